package dev.runbook.sql;

/**
 * How far a replica is behind its primary, in the units that do not lie: bytes of WAL or binary log, and
 * transactions (GTID sequence numbers), beside the seconds the server reports (which read 0 while the
 * primary is idle and the replica is stuck, and are unknown while a thread is stopped).
 *
 * <pre>{@code
 * ReplicaLag lag = replica.replicaLag().read();
 * // 127.0.0.1:5433 is 1,234,567 bytes behind 127.0.0.1:5432 (0/3000000 vs 0/312D687), 12 s
 * }</pre>
 *
 * @param server the replica
 * @param source its primary (host:port)
 * @param seconds seconds behind as reported (null when unknown)
 * @param bytes bytes of WAL / binary log between the primary's position and what the replica applied (null
 *     when the primary could not be read)
 * @param transactions GTID transactions not yet applied (MariaDB/MySQL; null on PostgreSQL or when unknown)
 * @param sourcePosition the primary's current position (LSN or GTID set), null if not read
 * @param appliedPosition the replica's applied position
 * @param note what could not be measured, and why (empty when everything was)
 */
public record ReplicaLag(
        String server,
        String source,
        Long seconds,
        Long bytes,
        Long transactions,
        String sourcePosition,
        String appliedPosition,
        String note) {

    public ReplicaLag {
        note = note == null ? "" : note;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(server).append(" is ");
        b.append(bytes == null ? "? bytes" : String.format(java.util.Locale.ROOT, "%,d bytes", bytes));
        if (transactions != null) {
            b.append(String.format(java.util.Locale.ROOT, " / %,d transactions", transactions));
        }
        b.append(" behind ").append(source);
        b.append(" (")
                .append(sourcePosition == null ? "?" : sourcePosition)
                .append(" vs applied ")
                .append(appliedPosition)
                .append(")");
        b.append(seconds == null ? ", seconds unknown" : ", " + seconds + " s");
        if (!note.isEmpty()) {
            b.append("; ").append(note);
        }
        return b.toString();
    }
}
