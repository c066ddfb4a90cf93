package dev.runbook.sql.test;

import java.nio.file.Path;

/**
 * A primary and one streaming replica started together, in one temporary directory. Closing it stops
 * both and deletes the directory.
 *
 * <pre>{@code
 * try (ReplicaPair pg = PostgresServers.newPair()) {
 *     pg.primary().execute("CREATE TABLE t (id int)");
 *     pg.awaitReplicaCaughtUp();
 * }
 * }</pre>
 */
public final class ReplicaPair implements AutoCloseable {
    private final SqlServer primary;
    private final SqlServer replica;
    private final Path dir;

    ReplicaPair(SqlServer primary, SqlServer replica, Path dir) {
        this.primary = primary;
        this.replica = replica;
        this.dir = dir;
    }

    /** The server that takes writes when the pair starts. */
    public SqlServer primary() {
        return primary;
    }

    /** The streaming standby (PostgreSQL) or GTID replica (MariaDB) of {@link #primary()}. */
    public SqlServer replica() {
        return replica;
    }

    /** The temporary directory holding both data directories and logs. */
    public Path dir() {
        return dir;
    }

    /**
     * Waits (30 s at most) until the replica has applied everything the primary has written so far:
     * {@code pg_last_wal_replay_lsn()} reaches the primary's {@code pg_current_wal_lsn()}, or
     * {@code MASTER_GTID_WAIT} of the primary's {@code gtid_binlog_pos} returns.
     */
    public void awaitReplicaCaughtUp() {
        if (primary.engine() == SqlServer.Engine.POSTGRESQL) {
            String lsn = primary.scalar("SELECT pg_current_wal_lsn()");
            Processes.await(
                    () -> "true".equals(replica.scalar("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")),
                    30,
                    replica.name() + " replaying up to " + lsn);
        } else {
            String pos = primary.scalar("SELECT @@gtid_binlog_pos");
            String r = replica.scalar("SELECT MASTER_GTID_WAIT('" + pos + "', 30)");
            if (!"0".equals(r)) {
                throw new AssertionError(replica.name() + " did not reach GTID " + pos + " in 30 s (" + r + ")");
            }
        }
    }

    /** Stops both servers and deletes their directory. */
    @Override
    public void close() {
        try {
            replica.stop();
        } finally {
            primary.stop();
            Processes.deleteTree(dir);
        }
    }

    @Override
    public String toString() {
        return "ReplicaPair[" + primary + " -> " + replica + "]";
    }
}
