package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-only probes on both shared pairs, against what the servers say directly. */
@ExtendWith(SqlServers.class)
class ProbesIT {
    static ReplicaPair pair(String engine) {
        return engine.equals("postgresql") ? SqlServers.postgres() : SqlServers.mariadb();
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void dialectAndReplicationStatus(String engine) {
        ReplicaPair p = pair(engine);
        try (SqlActions primary = TestClusters.actions(p.primary());
                SqlActions replica = TestClusters.actions(p.replica())) {
            Dialect d = primary.dialect();
            assertThat(d.engine()).isEqualTo(engine.equals("postgresql") ? Engine.POSTGRESQL : Engine.MARIADB);
            assertThat(d.major()).isEqualTo(engine.equals("postgresql") ? 15 : 10);
            SqlServersIT.await(
                    () -> !primary.replicationStatus().read().replicas().isEmpty(), "replica attached");
            ReplicationStatus onPrimary = primary.replicationStatus().read();
            assertThat(onPrimary.isReplica()).isFalse();
            assertThat(onPrimary.replicas()).hasSize(1);
            ReplicationStatus onReplica = replica.replicationStatus().read();
            assertThat(onReplica.isReplica()).isTrue();
            assertThat(onReplica.source()).isEqualTo("127.0.0.1:" + p.primary().port());
            assertThat(onReplica.receiving()).isTrue();
            assertThat(onReplica.applying()).isTrue();
            assertThat(onReplica.lastErrorNumber()).isZero();
            if (engine.equals("postgresql")) {
                assertThat(onReplica.timeline()).isEqualTo(1L);
                assertThat(onReplica.receiverState()).isEqualTo("streaming");
            } else {
                assertThat(onReplica.gtidMode()).isEqualTo("Slave_Pos");
                assertThat(onReplica.appliedPosition()).isEqualTo(p.replica().scalar("SELECT @@gtid_slave_pos"));
            }
            assertThat(onReplica.toString())
                    .contains("replica of 127.0.0.1:" + p.primary().port());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void lagInBytesAndTransactions_whileTheSecondsMayLie(String engine) {
        ReplicaPair p = pair(engine);
        SqlServer primary = p.primary();
        String table = "lag_" + engine;
        TestClusters.createTable(primary, table);
        p.awaitReplicaCaughtUp();
        try (SqlActions replica = TestClusters.actions(p.replica())) {
            SqlServersIT.await(
                    () -> Long.valueOf(0).equals(replica.replicaLag().read().bytes()), "no lag");
            TestClusters.delayApply(p.replica(), 3600);
            try {
                TestClusters.app(
                        primary,
                        "INSERT INTO " + table + " (id) VALUES (1)",
                        "INSERT INTO " + table + " (id) VALUES (2)");
                SqlServersIT.await(() -> replica.replicaLag().read().bytes() > 0, "lag in bytes");
                ReplicaLag lag = replica.replicaLag().read();
                assertThat(lag.source()).isEqualTo("127.0.0.1:" + primary.port());
                assertThat(lag.sourcePosition()).isNotBlank();
                if (engine.equals("mariadb")) {
                    assertThat(lag.transactions()).isEqualTo(2L);
                }
                assertThat(lag.toString()).contains("bytes").contains("behind 127.0.0.1:" + primary.port());
            } finally {
                TestClusters.delayApply(p.replica(), 0);
            }
            p.awaitReplicaCaughtUp();
            SqlServersIT.await(
                    () -> Long.valueOf(0).equals(replica.replicaLag().read().bytes()), "caught up");
        } finally {
            TestClusters.app(primary, "DROP TABLE " + table);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void theUsersDataSource_isUsedAndLeftOpen(String engine) throws Exception {
        ReplicaPair p = pair(engine);
        com.zaxxer.hikari.HikariConfig cfg = new com.zaxxer.hikari.HikariConfig();
        cfg.setJdbcUrl(p.replica().jdbcUrl());
        cfg.setUsername(p.replica().adminUser());
        cfg.setPassword(p.replica().adminPassword().reveal());
        try (com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(cfg)) {
            try (SqlActions replica = SqlActions.of(ds);
                    SqlActions primary = TestClusters.actions(p.primary())) {
                assertThat(replica.name())
                        .isEqualTo(engine + "://127.0.0.1:" + p.replica().port());
                ReplicaLag alone = replica.replicaLag().read();
                assertThat(alone.bytes())
                        .as("no credentials to reach the primary")
                        .isNull();
                assertThat(alone.note()).contains("replicaLag(primary)");
                assertThat(replica.replicaLag(primary).read().sourcePosition()).isNotBlank();
                assertThatThrownBy(() -> replica.promoteReplica().plan(dev.runbook.core.ActionContext.standalone()))
                        .isInstanceOf(dev.runbook.core.RefusedException.class)
                        .hasMessageContaining("pass that server explicitly");
            }
            assertThat(ds.isClosed()).as("the user's DataSource stays open").isFalse();
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void connectionSaturation_andLongRunningQueries(String engine) throws Exception {
        SqlServer server = pair(engine).primary();
        List<Connection> held = new ArrayList<>();
        try (SqlActions sql = TestClusters.actions(server)) {
            for (int i = 0; i < 5; i++) {
                held.add(server.connectAsApp());
            }
            ConnectionSaturation s = sql.connectionSaturation().read();
            assertThat(s.byUser().get("app")).isGreaterThanOrEqualTo(5L);
            assertThat(s.max()).isEqualTo(engine.equals("postgresql") ? 60 : 100);
            assertThat(s.used()).isLessThanOrEqualTo(s.max()).isGreaterThanOrEqualTo(5);
            assertThat(s.byState().values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(s.used());
            assertThat(s.toString()).contains("of " + s.max() + " connections");

            String sleep =
                    engine.equals("postgresql") ? "SELECT pg_sleep(4) -- long one" : "SELECT SLEEP(4) /* long one */";
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try (Statement st = held.get(0).createStatement()) {
                    st.execute(sleep);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            SqlServersIT.await(
                    () -> !sql.longRunningQueries(Duration.ofSeconds(1)).read().isEmpty(), "a query running 1 s");
            List<Session> longOnes =
                    sql.longRunningQueries(Duration.ofSeconds(1)).read();
            assertThat(longOnes).hasSize(1);
            assertThat(longOnes.get(0).query()).contains("long one");
            assertThat(longOnes.get(0).user()).isEqualTo("app");
            assertThat(sql.longRunningQueries(Duration.ofMinutes(5)).read()).isEmpty();
            running.get();
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /**
     * A PostgreSQL user without pg_read_all_stats sees other users' sessions and the replicas with their
     * columns nulled: the probes said "1 replica(s) [null:null null replayed null]", counted only its own
     * connections, and terminateSessions planned "no session matches" while the blocker ran.
     */
    @org.junit.jupiter.api.Test
    void postgres_aUserWithoutPgReadAllStats_isToldWhatIsHiddenAndWhichGrantShowsIt() throws Exception {
        ReplicaPair p = pair("postgresql");
        SqlServer primary = p.primary();
        List<Connection> held = new ArrayList<>();
        try (SqlActions app = SqlActions.connect(primary.appJdbcUrl(), primary.appUser(), primary.appPassword());
                SqlActions appOnReplica =
                        SqlActions.connect(p.replica().appJdbcUrl(), primary.appUser(), primary.appPassword())) {
            for (int i = 0; i < 3; i++) {
                held.add(primary.connect()); // the admin's sessions, hidden from app
            }
            assertThatThrownBy(() -> app.replicationStatus().read())
                    .isInstanceOf(dev.runbook.core.RefusedException.class)
                    .hasMessageContaining("user 'app' cannot read its replicas' state")
                    .hasMessageContaining("GRANT pg_monitor TO \"app\"");
            assertThatThrownBy(() -> appOnReplica.replicaLag().read())
                    .isInstanceOf(dev.runbook.core.RefusedException.class)
                    .hasMessageContaining("cannot read the WAL receiver's state")
                    .hasMessageContaining("GRANT pg_monitor");
            ConnectionSaturation s = app.connectionSaturation().read();
            assertThat(s.byUser().get(primary.adminUser())).isGreaterThanOrEqualTo(3L);
            assertThat(s.byState().get("hidden")).isGreaterThanOrEqualTo(3L);
            var kill = app.terminateSessions().user(primary.adminUser());
            assertThatThrownBy(() -> kill.plan(dev.runbook.core.ActionContext.standalone()))
                    .isInstanceOf(dev.runbook.core.RefusedException.class)
                    .hasMessageContaining("cannot see the state, times and query of")
                    .hasMessageContaining("GRANT pg_read_all_stats, pg_signal_backend");
            assertThat(app.terminateSessions()
                            .user(primary.appUser())
                            .queryContains("no such statement")
                            .plan(dev.runbook.core.ActionContext.standalone())
                            .summary())
                    .as("a selection that excludes the hidden sessions by what is shown still plans")
                    .startsWith("unchanged: no session");
            for (Connection c : held) {
                assertThat(c.isValid(2)).as("nothing was ended").isTrue();
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }
}
