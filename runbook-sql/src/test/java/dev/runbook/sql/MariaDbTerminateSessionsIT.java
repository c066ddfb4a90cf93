package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.ItemOutcome;
import dev.runbook.core.Outcome;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
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

    /**
     * A user with PROCESS (it sees every session) but without CONNECTION ADMIN may end only its own: the
     * server's "not owner" on the first other user's session used to abort the apply with a bare error,
     * after its own sessions were already ended and without a record of them.
     */
    @Test
    void aUserWithoutConnectionAdmin_endsItsOwnSessions_andTheOthersAreReportedFailedNamingTheGrant() throws Exception {
        server.execute(
                "CREATE USER IF NOT EXISTS ops_ts@'%' IDENTIFIED BY 'ops-ts-pw'", "GRANT PROCESS ON *.* TO ops_ts@'%'");
        String url = server.jdbcUrl();
        try (SqlActions ops = SqlActions.connect(url, "ops_ts", Secret.of("ops-ts-pw"));
                Connection own = DriverManager.getConnection(url, "ops_ts", "ops-ts-pw")) {
            TerminateSessions kill =
                    ops.terminateSessions().user("app", "ops_ts").state("Sleep");
            StepPlan plan = kill.plan(ActionContext.standalone());
            assertThat(plan.summary()).contains("terminate 4 sessions");
            ApplyResult r = kill.apply(plan, ActionContext.standalone());
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.summary())
                    .contains("terminated 1 of 4")
                    .contains("3 of other users could not be ended")
                    .contains("GRANT CONNECTION ADMIN");
            assertThat(r.items()).extracting(ItemOutcome::outcome).containsOnly(Outcome.CHANGED, Outcome.FAILED);
            assertThat(r.items().stream().filter(i -> i.outcome() == Outcome.FAILED))
                    .hasSize(3)
                    .allSatisfy(
                            i -> assertThat(i.detail()).contains("not owner").contains("app@"));
            assertThat(own.isValid(2)).as("its own session was ended").isFalse();
            for (Connection v : victims) {
                assertThat(v.isValid(2))
                        .as("the other user's sessions are untouched")
                        .isTrue();
            }
            assertThat(kill.verify(plan, r, ActionContext.standalone()).status().toString())
                    .isEqualTo("FAILED");
        } finally {
            server.execute("DROP USER IF EXISTS ops_ts@'%'");
        }
    }
}
