package dev.runbook.sql;

import java.util.List;

/**
 * One server's replication state as {@code SHOW REPLICA STATUS} or {@code pg_stat_wal_receiver} shows it:
 * its role, where it replicates from, whether it receives and applies, how far, and the last error.
 *
 * <pre>{@code
 * ReplicationStatus s = replica.replicationStatus().read();
 * if (!s.applying()) System.out.println(s.lastError());
 * }</pre>
 *
 * @param server the server read
 * @param engine its engine
 * @param role {@code primary} or {@code replica}
 * @param readOnly whether new sessions are refused writes: PostgreSQL in recovery or {@code
 *     default_transaction_read_only}; MariaDB/MySQL {@code read_only} (a fenced old primary says so)
 * @param source host:port it replicates from (null on a primary)
 * @param receiving WAL receiver streaming / IO thread running
 * @param receiverState {@code streaming}, {@code stopped} (PostgreSQL) or {@code Yes}, {@code No}, {@code
 *     Connecting} (IO thread)
 * @param applying WAL replay running (not paused) / SQL thread running
 * @param applierState {@code running} or {@code paused} (PostgreSQL) or {@code Yes}, {@code No} (SQL thread)
 * @param receivedPosition last LSN received / {@code Gtid_IO_Pos} or {@code Retrieved_Gtid_Set}
 * @param appliedPosition last LSN replayed / {@code gtid_slave_pos} or {@code Executed_Gtid_Set}
 * @param executedGtids the GTIDs in the server's binary log ({@code gtid_binlog_pos}, {@code
 *     gtid_executed}); null on PostgreSQL
 * @param secondsBehind seconds behind as the server reports it (null if unknown); lies when the primary is
 *     idle, so compare positions too
 * @param timeline PostgreSQL timeline (null elsewhere)
 * @param gtidMode {@code Using_Gtid} (MariaDB) or {@code Auto_Position} (MySQL); null on PostgreSQL
 * @param lastErrorNumber the replica's last IO or SQL error number (0 when none)
 * @param lastError its message (empty when none)
 * @param replicas on a primary, the replicas attached to it ({@code host:port state})
 */
public record ReplicationStatus(
        String server,
        Engine engine,
        String role,
        boolean readOnly,
        String source,
        boolean receiving,
        String receiverState,
        boolean applying,
        String applierState,
        String receivedPosition,
        String appliedPosition,
        String executedGtids,
        Long secondsBehind,
        Long timeline,
        String gtidMode,
        int lastErrorNumber,
        String lastError,
        List<String> replicas) {

    public ReplicationStatus {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        lastError = lastError == null ? "" : lastError;
    }

    public boolean isReplica() {
        return "replica".equals(role);
    }

    @Override
    public String toString() {
        if (!isReplica()) {
            return server + " primary" + (readOnly ? " (read-only)" : "")
                    + (timeline == null ? "" : " timeline " + timeline)
                    + (executedGtids == null ? "" : " gtid " + executedGtids) + ", " + replicas.size()
                    + " replica(s) " + replicas;
        }
        return server + " replica of " + source + ": receiving " + receiverState + ", applying " + applierState
                + ", received " + receivedPosition + ", applied " + appliedPosition
                + (secondsBehind == null ? "" : ", " + secondsBehind + " s behind")
                + (timeline == null ? "" : ", timeline " + timeline)
                + (lastErrorNumber == 0 ? "" : ", last error " + lastErrorNumber + ": " + lastError);
    }
}
