package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import dev.runbook.test.ActionContract;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SkipReplicationEvent on the shared MariaDB pair: each test makes the replica's SQL thread stop on a
 * duplicate key (a row written on the replica alone, then the same key on the primary), and repairs
 * replication afterwards.
 */
@ExtendWith(SqlServers.class)
class SkipReplicationEventIT extends ActionContract<SkipReplicationEvent> {
    private static final AtomicInteger TABLES = new AtomicInteger();
    static final String WHY = "INC-003 drill: the replica already has row 1 from the cleanup job";
    ReplicaPair db;
    SqlServer primary;
    SqlServer replica;
    SqlActions onReplica;
    String table;

    @BeforeEach
    void breakReplication() {
        db = SqlServers.mariadb();
        primary = db.primary();
        replica = db.replica();
        onReplica = TestClusters.actions(replica);
        table = "app.skip" + TABLES.incrementAndGet();
        primary.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v varchar(20))");
        db.awaitReplicaCaughtUp();
        conflict(1);
        primary.execute("INSERT INTO " + table + " VALUES (2, 'after')");
    }

    /** A row on the replica alone, then the same key on the primary: the SQL thread stops with 1062. */
    void conflict(int id) {
        replica.execute("SET sql_log_bin = 0", "INSERT INTO " + table + " VALUES (" + id + ", 'replica only')");
        primary.execute("INSERT INTO " + table + " VALUES (" + id + ", 'primary')");
        SqlServersIT.await(() -> "No".equals(status().get("Slave_SQL_Running")), "the SQL thread stopped on " + id);
    }

    Map<String, Object> status() {
        return replica.query("SHOW REPLICA STATUS").get(0);
    }

    @AfterEach
    void repair() {
        if (!"Yes".equals(status().get("Slave_SQL_Running"))) {
            replica.execute("SET sql_log_bin = 0", "DELETE FROM " + table, "START REPLICA");
        }
        if (!"Yes".equals(status().get("Slave_IO_Running"))) {
            replica.execute("START REPLICA");
        }
        TestClusters.awaitReplicating(replica);
        primary.execute("DROP TABLE " + table);
        db.awaitReplicaCaughtUp();
        onReplica.close();
    }

    @Override
    protected SkipReplicationEvent action() {
        return onReplica.skipReplicationEvent(WHY);
    }

    /** The replica at rest: while its SQL thread runs, once it applied what the primary has. */
    @Override
    protected Object snapshot() {
        if ("Yes".equals(status().get("Slave_SQL_Running"))) {
            db.awaitReplicaCaughtUp();
        }
        Map<String, Object> s = status();
        return List.of(
                String.valueOf(s.get("Slave_SQL_Running")),
                String.valueOf(s.get("Last_SQL_Errno")),
                String.valueOf(s.get("Exec_Master_Log_Pos")),
                replica.scalar("SELECT @@gtid_slave_pos"),
                replica.query("SELECT * FROM " + table + " ORDER BY id"));
    }

    @Override
    protected void moveTheWorld() {
        // someone repairs it by hand between plan and apply
        replica.execute("SET sql_log_bin = 0", "DELETE FROM " + table + " WHERE id = 1", "START REPLICA SQL_THREAD");
        SqlServersIT.await(() -> "Yes".equals(status().get("Slave_SQL_Running")), "SQL thread running");
    }

    @Override
    protected Map<String, SkipReplicationEvent> variants() {
        return Map.of("justification", onReplica.skipReplicationEvent("another reason"));
    }

    @Test
    void withGtid_theFailingGtidIsMarkedApplied_andReplicationGoesOn() {
        String failing = "0-1-"
                + (Gtids.parse(replica.scalar("SELECT @@gtid_slave_pos")).get(0).seq() + 1);
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .contains("GTID " + failing)
                .contains("error 1062")
                .contains(WHY);
        assertThat(plan.details().get("statements").toString())
                .contains("STOP REPLICA")
                .contains("SET GLOBAL gtid_slave_pos = '" + failing + "'")
                .doesNotContain("skip_counter");
        assertThat(plan.details().get("event").get("error").asText()).contains("Duplicate entry");
        ApplyResult done = action().apply(plan, ctx);
        assertThat(done.details().get("justification").asText()).isEqualTo(WHY);
        assertThat(done.details().get("skipped").get("gtid").asText()).isEqualTo(failing);
        assertThat(action().verify(plan, done, ctx).ok()).isTrue();
        db.awaitReplicaCaughtUp();
        assertThat(replica.query("SELECT v FROM " + table + " ORDER BY id"))
                .extracting(r -> r.get("v"))
                .containsExactly("replica only", "after");
    }

    @Test
    void anotherFailingEventRightAfter_failsVerification() {
        conflictBehind(3);
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        ApplyResult done = action().apply(plan, ctx);
        assertThat(done.summary()).contains("stopped again");
        assertThat(action().verify(plan, done, ctx).message())
                .contains("stopped again")
                .contains("another event fails");
    }

    /** Queues a second conflicting event behind the one the SQL thread stopped on. */
    private void conflictBehind(int id) {
        replica.execute("SET sql_log_bin = 0", "INSERT INTO " + table + " VALUES (" + id + ", 'replica only')");
        primary.execute("INSERT INTO " + table + " VALUES (" + id + ", 'primary')");
    }

    @Test
    void badInputs_areRefusedOrRejected() {
        assertThatThrownBy(() -> onReplica.skipReplicationEvent(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("justification");
        try (SqlActions onPrimary = TestClusters.actions(primary)) {
            assertRefusedWithoutChange(() -> onPrimary.skipReplicationEvent(WHY).plan(context()), "not a replica");
        }
        try (SqlActions pg = TestClusters.actions(SqlServers.postgres().replica())) {
            assertRefusedWithoutChange(
                    () -> pg.skipReplicationEvent(WHY).plan(context()), "PostgreSQL", "rebuild the standby");
        }
    }

    @Test
    void aStoppedThreadWithoutAnError_isRefused_andARunningOneIsUnchanged() {
        replica.execute("SET sql_log_bin = 0", "DELETE FROM " + table + " WHERE id = 1", "START REPLICA SQL_THREAD");
        TestClusters.awaitReplicating(replica);
        assertThat(action().plan(context()).isNoop()).isTrue();
        replica.execute("STOP REPLICA SQL_THREAD");
        try {
            assertRefusedWithoutChange(() -> action().plan(context()), "without an error", "START REPLICA SQL_THREAD");
        } finally {
            replica.execute("START REPLICA SQL_THREAD");
        }
    }
}
