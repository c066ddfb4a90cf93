package dev.runbook.sql;

import java.util.List;
import java.util.Map;

/**
 * A MySQL-family server's binary log position: its executed GTIDs and the current binlog file and offset.
 *
 * @param gtids {@code gtid_binlog_pos} (MariaDB) or {@code gtid_executed} (MySQL)
 * @param gtidState {@code gtid_binlog_state} (MariaDB; every domain-server pair), else the same as gtids
 * @param file the current binary log file (null without binary logging)
 * @param offset the offset in it
 */
record MyPositions(String gtids, String gtidState, String file, long offset) {

    static MyPositions read(SqlTarget t, Dialect d) {
        return t.call("read the binary log position", c -> {
            String gtids = SqlTarget.scalar(c, "SELECT @@" + d.executedGtids());
            String state = d.engine() == Engine.MARIADB ? SqlTarget.scalar(c, "SELECT @@gtid_binlog_state") : gtids;
            List<Map<String, Object>> rows = SqlTarget.rows(
                    c,
                    d.engine() == Engine.MYSQL && (d.major() > 8 || d.major() == 8 && d.minor() >= 2)
                            ? "SHOW BINARY LOG STATUS"
                            : "SHOW MASTER STATUS");
            if (rows.isEmpty()) {
                return new MyPositions(gtids, state, null, 0);
            }
            return new MyPositions(
                    gtids,
                    state,
                    String.valueOf(rows.get(0).get("File")),
                    Long.parseLong(String.valueOf(rows.get(0).get("Position"))));
        });
    }

    /**
     * Bytes of the primary's binary log after what the replica's SQL thread executed ({@code
     * Relay_Master_Log_File}, {@code Exec_Master_Log_Pos}), across files with {@code SHOW BINARY LOGS}.
     * Null when the replica reads another primary's log or the files are gone.
     */
    static Long bytesBehind(SqlTarget replica, Dialect d, SqlTarget primary) {
        Map<String, Object> row = replica.call("read the replica status", c -> Replication.replicaRow(d, c));
        if (row.isEmpty()) {
            return 0L;
        }
        String execFile = Replication.str(row, d, "Relay_Master_Log_File");
        long execPos = Long.parseLong(Replication.str(row, d, "Exec_Master_Log_Pos"));
        return primary.call("read the primary's binary logs", c -> {
            List<Map<String, Object>> logs = SqlTarget.rows(c, "SHOW BINARY LOGS");
            MyPositions now = read(primary, d);
            long sum = 0;
            boolean counting = false;
            for (Map<String, Object> log : logs) {
                String name = String.valueOf(log.get("Log_name"));
                long size = Long.parseLong(String.valueOf(log.get("File_size")));
                if (name.equals(execFile)) {
                    counting = true;
                    if (name.equals(now.file())) {
                        return Math.max(0, now.offset() - execPos);
                    }
                    sum += Math.max(0, size - execPos);
                } else if (counting) {
                    if (name.equals(now.file())) {
                        return sum + now.offset();
                    }
                    sum += size;
                }
            }
            return null;
        });
    }
}
