package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.StepPlan;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SqlServers.class)
class PostgresTerminateSessionsIT extends TerminateSessionsContract {
    @Override
    SqlServer server() {
        return SqlServers.postgres().primary();
    }

    private Connection open(String application) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.appUser());
        p.setProperty("password", server.appPassword().reveal());
        p.setProperty("ApplicationName", application);
        Connection c = DriverManager.getConnection(server.appJdbcUrl(), p);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 'marker-" + application + "'");
        }
        return c;
    }

    @Override
    Connection newVictim() throws SQLException {
        return open("victims");
    }

    @Override
    Connection newBystander() throws SQLException {
        return open("bystander");
    }

    @Override
    TerminateSessions selectVictims() {
        return sql.terminateSessions().user("app").application("victims").state("idle");
    }

    @Override
    String sleepStatement(int seconds) {
        return "SELECT pg_sleep(" + seconds + ")";
    }

    @Test
    void selectsByQueryText() {
        StepPlan plan =
                sql.terminateSessions().queryContains("MARKER-bystander").plan(context());
        assertThat(plan.radius("sessions")).isEqualTo(1);
        assertThat(plan.summary()).contains("bystander");
    }
}
