package dev.runbook.sql;

import dev.runbook.sql.test.SqlServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

/** What the tests do to servers by hand, per engine: roles, app writes, delays, manual promotion. */
final class TestClusters {
    private TestClusters() {}

    static boolean pg(SqlServer s) {
        return s.engine() == SqlServer.Engine.POSTGRESQL;
    }

    static boolean isReplica(SqlServer s) {
        return pg(s)
                ? "true".equals(s.scalar("SELECT pg_is_in_recovery()"))
                : !s.query("SHOW REPLICA STATUS").isEmpty();
    }

    /** PostgreSQL default_transaction_read_only / MariaDB read_only, as a new session sees it. */
    static String readOnly(SqlServer s) {
        return pg(s) ? s.scalar("SHOW default_transaction_read_only") : s.scalar("SELECT @@read_only");
    }

    /** Runs statements as the application user (autocommit). */
    static void app(SqlServer s, String... sql) {
        try (Connection c = s.connectAsApp();
                Statement st = c.createStatement()) {
            for (String q : sql) {
                st.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(s.name() + ": " + e.getMessage(), e);
        }
    }

    /** Whether the application user can insert into {@code table} (id bigint) now. */
    static boolean acceptsAppWrites(SqlServer s, String table) {
        try (Connection c = s.connectAsApp();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + table + " (id) VALUES (" + (-System.nanoTime() % 1_000_000_000L - 1) + ")");
            return true;
        } catch (SQLException | IllegalStateException e) {
            return false;
        }
    }

    static void createTable(SqlServer primary, String table) {
        app(primary, "CREATE TABLE " + table + " (id bigint PRIMARY KEY)");
    }

    static Set<Long> ids(SqlServer s, String table) {
        Set<Long> out = new TreeSet<>();
        try (Connection c = s.connectAsApp();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Makes the replica apply changes {@code seconds} late (recovery_min_apply_delay / MASTER_DELAY). */
    static void delayApply(SqlServer replica, int seconds) {
        if (pg(replica)) {
            replica.execute(
                    "ALTER SYSTEM SET recovery_min_apply_delay = '" + seconds + "s'", "SELECT pg_reload_conf()");
        } else {
            replica.execute("STOP REPLICA", "CHANGE MASTER TO MASTER_DELAY = " + seconds, "START REPLICA");
            awaitReplicating(replica);
        }
    }

    /** Waits until both replication threads of a MariaDB replica run. */
    static void awaitReplicating(SqlServer replica) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            var row = replica.query("SHOW REPLICA STATUS").get(0);
            if ("Yes".equals(row.get("Slave_IO_Running")) && "Yes".equals(row.get("Slave_SQL_Running"))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(replica + " not replicating after 10 s");
    }

    /** Pauses applying: pg_wal_replay_pause() / STOP REPLICA SQL_THREAD. */
    static void pauseApply(SqlServer replica) {
        replica.execute(pg(replica) ? "SELECT pg_wal_replay_pause()" : "STOP REPLICA SQL_THREAD");
    }

    /** The naive hand promotion, without fencing: pg_promote / STOP REPLICA; RESET REPLICA ALL. */
    static void promoteByHand(SqlServer replica) {
        if (pg(replica)) {
            replica.execute("SELECT pg_promote(true, 30)");
        } else {
            replica.execute("STOP REPLICA", "RESET REPLICA ALL", "SET GLOBAL read_only = OFF");
        }
    }

    static SqlActions actions(SqlServer s) {
        return SqlActions.connect(s.jdbcUrl(), s.adminUser(), s.adminPassword());
    }
}
