package dev.runbook.sql;

import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SqlServers.class)
class MariaDbTerminateSessionsIT extends TerminateSessionsContract {
    @Override
    SqlServer server() {
        return SqlServers.mariadb().primary();
    }

    @Override
    Connection newVictim() throws SQLException {
        return DriverManager.getConnection(
                server.appJdbcUrl(), server.appUser(), server.appPassword().reveal());
    }

    @Override
    Connection newBystander() throws SQLException {
        return DriverManager.getConnection(
                server.jdbcUrl(), server.adminUser(), server.adminPassword().reveal());
    }

    @Override
    TerminateSessions selectVictims() {
        return sql.terminateSessions().user("app").state("Sleep");
    }

    @Override
    String sleepStatement(int seconds) {
        return "SELECT SLEEP(" + seconds + ")";
    }
}
