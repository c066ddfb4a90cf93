package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.test.ActionContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TerminateSessions on the shared primary of each engine: three idle application sessions to end (the
 * victims) beside a bystander that must survive.
 */
abstract class TerminateSessionsContract extends ActionContract<TerminateSessions> {
    SqlServer server;
    SqlActions sql;
    final List<Connection> victims = new ArrayList<>();
    Connection bystander;

    abstract SqlServer server();

    abstract Connection newVictim() throws SQLException;

    abstract Connection newBystander() throws SQLException;

    /** Selects exactly the victims. */
    abstract TerminateSessions selectVictims();

    abstract String sleepStatement(int seconds);

    @BeforeEach
    void openSessions() throws Exception {
        server = server();
        sql = TestClusters.actions(server);
        for (int i = 0; i < 3; i++) {
            victims.add(newVictim());
        }
        bystander = newBystander();
    }

    @AfterEach
    void closeSessions() throws Exception {
        for (Connection c : victims) {
            c.close();
        }
        victims.clear();
        bystander.close();
        sql.close();
    }

    @Override
    protected TerminateSessions action() {
        return selectVictims();
    }

    /** Which sessions are alive, in order: the three victims, then the bystander. */
    @Override
    protected Object snapshot() {
        List<Boolean> alive = new ArrayList<>();
        for (Connection c : victims) {
            alive.add(alive(c));
        }
        alive.add(alive(bystander));
        return alive;
    }

    static boolean alive(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    protected void moveTheWorld() {
        server.restart();
    }

    @Override
    protected Map<String, TerminateSessions> variants() {
        return Map.of(
                "selection", action().queryContains("something else"),
                "maxSessions", action().maxSessions(7),
                "cancelQueryOnly", action().cancelQueryOnly());
    }

    @Test
    void theDryRunListsEverySession_andApplyEndsThemButNotTheBystander() {
        StepPlan plan = action().plan(context());
        assertThat(plan.radius("sessions")).isEqualTo(3);
        assertThat(plan.details().get("sessions")).hasSize(3);
        plan.details()
                .get("sessions")
                .forEach(line -> assertThat(line.asText()).startsWith("pid ").contains("app"));
        assertThat(plan.details().get("statement").asText()).isNotBlank();
        ApplyResult done = action().apply(plan, context());
        assertThat(done.count("sessions")).isEqualTo(3);
        assertThat(snapshot()).isEqualTo(List.of(false, false, false, true));
    }

    @Test
    void overTheBudget_isRefused_andNothingEnds() {
        assertRefusedWithoutChange(
                () -> action().maxSessions(2).plan(context()), "3 sessions", "maxSessions 2", ".maxSessions(3)");
        assertThat(snapshot()).isEqualTo(List.of(true, true, true, true));
    }

    @Test
    void noCriterion_isRefused() {
        assertRefusedWithoutChange(() -> sql.terminateSessions().plan(context()), "no criterion", ".idleLongerThan(");
        assertThatThrownBy(() -> sql.terminateSessions().maxSessions(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sql.terminateSessions().queryContains(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReusedId_isNeverEnded() {
        StepPlan plan = action().plan(context());
        // the first planned session's id now stands for a session that began at another time
        ObjectNode json = (ObjectNode) Json.tree(plan);
        ArrayNode ids = (ArrayNode) json.get("before").get("sessions");
        String first = ids.get(0).asText();
        ids.set(0, Json.tree(first.substring(0, first.indexOf('@')) + "@an earlier session"));
        StepPlan reused = Json.read(json.toString(), StepPlan.class);
        ApplyResult done = action().apply(reused, context());
        assertThat(done.count("sessions")).isEqualTo(2);
        assertThat(done.items())
                .anyMatch(i -> i.outcome() == Outcome.SKIPPED && i.detail().contains("another session"));
        @SuppressWarnings("unchecked")
        List<Boolean> alive = (List<Boolean>) snapshot();
        assertThat(alive).containsExactlyInAnyOrder(true, false, false, true);
    }

    @Test
    void aLongRunningStatement_isCancelled_orItsSessionEnded() throws Exception {
        Connection runner = newVictim();
        try {
            CompletableFuture<Long> run = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try (Statement s = runner.createStatement()) {
                    s.execute(sleepStatement(20));
                } catch (SQLException e) {
                    // cancelled
                }
                return (System.nanoTime() - start) / 1_000_000;
            });
            TerminateSessions cancel = sql.terminateSessions()
                    .runningLongerThan(Duration.ofSeconds(1))
                    .user("app")
                    .cancelQueryOnly();
            SqlServersIT.await(() -> cancel.plan(context()).radius("sessions") == 1, "the statement running 1 s");
            StepPlan plan = cancel.plan(context());
            assertThat(plan.details().get("sessions").get(0).asText()).containsIgnoringCase("sleep");
            cancel.apply(plan, context());
            assertThat(run.get(10, TimeUnit.SECONDS)).as("ms the statement ran").isLessThan(10_000);
            assertThat(alive(runner))
                    .as("a cancelled statement leaves its session")
                    .isTrue();
            assertThat(snapshot()).isEqualTo(List.of(true, true, true, true));
        } finally {
            runner.close();
        }
    }

    @Test
    void neverItsOwnSession_norReplicationOrBackgroundSessions() {
        SqlServersIT.await(() -> !sql.replicationStatus().read().replicas().isEmpty(), "the replica attached");
        List<String> replication = sql.sessions().read().stream()
                .filter(s -> s.kind().equals("replication"))
                .map(Session::identity)
                .toList();
        assertThat(replication).isNotEmpty();
        TerminateSessions everyoneOfTheAdmin =
                sql.terminateSessions().user(server.adminUser()).maxSessions(100);
        StepPlan plan = everyoneOfTheAdmin.plan(context());
        List<String> planned = new ArrayList<>();
        plan.details().path("sessions").forEach(n -> planned.add(n.asText()));
        for (Session s : sql.sessions().read()) {
            if (s.self() || !s.isClient()) {
                assertThat(planned).noneMatch(line -> line.startsWith("pid " + s.id() + " "));
            }
        }
        if (!plan.isNoop()) {
            everyoneOfTheAdmin.apply(plan, context());
        }
        assertThat(sql.sessions().read())
                .as("the library still works, and every replication session is still there")
                .extracting(Session::identity)
                .containsAll(replication);
    }
}
