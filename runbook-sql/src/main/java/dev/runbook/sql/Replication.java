package dev.runbook.sql;

import dev.runbook.core.RefusedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads replication state and lag per dialect. */
final class Replication {
    private Replication() {}

    static final String PG_STANDBY =
            "SELECT r.pid AS receiver_pid, r.status, r.sender_host, r.sender_port, r.received_tli,"
                    + " pg_last_wal_receive_lsn()::text AS received, pg_last_wal_replay_lsn()::text AS replayed,"
                    + " pg_is_wal_replay_paused() AS paused,"
                    + " (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,"
                    + " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                    + " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::bigint END AS seconds"
                    + " FROM (SELECT 1) one LEFT JOIN pg_stat_wal_receiver r ON true";
    static final String PG_TIMELINE =
            "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint";

    static ReplicationStatus status(SqlTarget t) {
        Dialect d = t.dialect();
        return t.call("read the replication status", c -> d.isPostgres() ? postgres(t, c) : mysql(t, d, c));
    }

    /** The refusal for a PostgreSQL user that sees a statistics view's rows with their columns nulled. */
    private static String hiddenFrom(SqlTarget t, Connection c, String view, String what) throws SQLException {
        String user = SqlTarget.scalar(c, "SELECT current_user");
        return "user '" + user + "' cannot read " + what + " on " + t.name() + ": " + view + " shows them only to"
                + " members of pg_read_all_stats; GRANT pg_monitor TO \"" + user + "\" (or connect as a user who has"
                + " it)";
    }

    static boolean inRecovery(Connection c) throws SQLException {
        return "t".equals(SqlTarget.scalar(c, "SELECT pg_is_in_recovery()"));
    }

    private static ReplicationStatus postgres(SqlTarget t, Connection c) throws SQLException {
        if (!inRecovery(c)) {
            long tli = Long.parseLong(SqlTarget.scalar(c, PG_TIMELINE));
            List<String> replicas = new ArrayList<>();
            for (Map<String, Object> r : SqlTarget.rows(
                    c,
                    "SELECT client_addr::text AS addr, client_port, state, replay_lsn::text AS replay FROM"
                            + " pg_stat_replication ORDER BY 1, 2")) {
                if (r.get("state") == null) {
                    throw new RefusedException(hiddenFrom(t, c, "pg_stat_replication", "its replicas' state"));
                }
                replicas.add(host(r.get("addr")) + ":" + r.get("client_port") + " " + r.get("state") + " replayed "
                        + r.get("replay"));
            }
            String lsn = SqlTarget.scalar(c, "SELECT pg_current_wal_lsn()");
            boolean ro = "on".equals(SqlTarget.scalar(c, "SHOW default_transaction_read_only"));
            return new ReplicationStatus(
                    t.name(),
                    Engine.POSTGRESQL,
                    "primary",
                    ro,
                    null,
                    false,
                    null,
                    false,
                    null,
                    lsn,
                    lsn,
                    null,
                    null,
                    tli,
                    null,
                    0,
                    "",
                    replicas);
        }
        Map<String, Object> r = SqlTarget.rows(c, PG_STANDBY).get(0);
        if (r.get("receiver_pid") != null && r.get("status") == null) {
            throw new RefusedException(hiddenFrom(t, c, "pg_stat_wal_receiver", "the WAL receiver's state and source"));
        }
        String status = r.get("status") == null ? "stopped" : String.valueOf(r.get("status"));
        boolean paused = Boolean.TRUE.equals(r.get("paused"));
        String source = r.get("sender_host") == null
                ? sourceFromConninfo(SqlTarget.scalar(c, "SHOW primary_conninfo"))
                : r.get("sender_host") + ":" + r.get("sender_port");
        Object tli = r.get("received_tli") != null ? r.get("received_tli") : r.get("checkpoint_tli");
        Long seconds = r.get("seconds") == null ? null : ((Number) r.get("seconds")).longValue();
        return new ReplicationStatus(
                t.name(),
                Engine.POSTGRESQL,
                "replica",
                true,
                source,
                "streaming".equals(status),
                status,
                !paused,
                paused ? "paused" : "running",
                (String) r.get("received"),
                (String) r.get("replayed"),
                null,
                seconds,
                tli == null ? null : ((Number) tli).longValue(),
                null,
                0,
                "streaming".equals(status) ? "" : "WAL receiver is " + status + " (see the standby's log)",
                List.of());
    }

    private static String host(Object addr) {
        String a = String.valueOf(addr);
        int slash = a.indexOf('/');
        return slash < 0 ? a : a.substring(0, slash);
    }

    /** {@code host:port} from a libpq conninfo string ({@code host=10.0.0.1 port=5432 ...}). */
    static String sourceFromConninfo(String conninfo) {
        String host = null;
        String port = "5432";
        if (conninfo != null) {
            for (String part : conninfo.split("\\s+", -1)) {
                if (part.startsWith("host=")) {
                    host = part.substring(5).replace("'", "");
                } else if (part.startsWith("port=")) {
                    port = part.substring(5).replace("'", "");
                }
            }
        }
        return host == null ? null : host + ":" + port;
    }

    /** SHOW REPLICA STATUS as a map (empty on a primary). */
    static Map<String, Object> replicaRow(Dialect d, Connection c) throws SQLException {
        List<Map<String, Object>> rows = SqlTarget.rows(c, d.showReplicaStatus());
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    static String str(Map<String, Object> row, Dialect d, String slaveColumn) {
        Object v = row.get(d.column(slaveColumn));
        return v == null ? null : String.valueOf(v);
    }

    private static ReplicationStatus mysql(SqlTarget t, Dialect d, Connection c) throws SQLException {
        String executed = SqlTarget.scalar(c, "SELECT @@" + d.executedGtids());
        boolean ro = !"0"
                .equals(SqlTarget.scalar(
                        c,
                        d.engine() == Engine.MYSQL ? "SELECT @@read_only OR @@super_read_only" : "SELECT @@read_only"));
        Map<String, Object> row = replicaRow(d, c);
        if (row.isEmpty()) {
            List<String> replicas = new ArrayList<>();
            for (Map<String, Object> p : SqlTarget.rows(
                    c,
                    "SELECT HOST, COMMAND, STATE FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'"
                            + " ORDER BY HOST")) {
                replicas.add(p.get("HOST") + " " + p.get("STATE"));
            }
            return new ReplicationStatus(
                    t.name(),
                    d.engine(),
                    "primary",
                    ro,
                    null,
                    false,
                    null,
                    false,
                    null,
                    executed,
                    executed,
                    executed,
                    null,
                    null,
                    null,
                    0,
                    "",
                    replicas);
        }
        String io = str(row, d, "Slave_IO_Running");
        String sql = str(row, d, "Slave_SQL_Running");
        String seconds = str(row, d, "Seconds_Behind_Master");
        int sqlErr = Integer.parseInt(String.valueOf(row.getOrDefault("Last_SQL_Errno", "0")));
        int ioErr = Integer.parseInt(String.valueOf(row.getOrDefault("Last_IO_Errno", "0")));
        boolean maria = d.engine() == Engine.MARIADB;
        String received = maria ? str(row, d, "Gtid_IO_Pos") : str(row, d, "Retrieved_Gtid_Set");
        String applied = maria ? SqlTarget.scalar(c, "SELECT @@gtid_slave_pos") : str(row, d, "Executed_Gtid_Set");
        return new ReplicationStatus(
                t.name(),
                d.engine(),
                "replica",
                ro,
                str(row, d, "Master_Host") + ":" + str(row, d, "Master_Port"),
                "Yes".equals(io),
                io,
                "Yes".equals(sql),
                sql,
                received,
                applied,
                executed,
                seconds == null ? null : Long.valueOf(seconds),
                null,
                maria ? str(row, d, "Using_Gtid") : str(row, d, "Auto_Position"),
                sqlErr != 0 ? sqlErr : ioErr,
                sqlErr != 0 ? String.valueOf(row.get("Last_SQL_Error")) : String.valueOf(row.get("Last_IO_Error")),
                List.of());
    }

    /** Lag of {@code replica} behind {@code primary} (null: measure without the primary). */
    static ReplicaLag lag(SqlTarget replica, SqlTarget primary) {
        ReplicationStatus s = status(replica);
        if (!s.isReplica()) {
            return new ReplicaLag(
                    s.server(),
                    null,
                    0L,
                    0L,
                    s.engine() == Engine.POSTGRESQL ? null : 0L,
                    s.receivedPosition(),
                    s.appliedPosition(),
                    "a primary: nothing to lag behind");
        }
        String note = "";
        String sourcePos = null;
        Long bytes = null;
        Long transactions = null;
        if (primary != null) {
            try {
                if (s.engine() == Engine.POSTGRESQL) {
                    sourcePos = primary.call(
                            "read the primary's WAL position", c -> SqlTarget.scalar(c, "SELECT pg_current_wal_lsn()"));
                    bytes = Lsn.diff(sourcePos, s.appliedPosition());
                } else {
                    Dialect d = replica.dialect();
                    MyPositions p = MyPositions.read(primary, d);
                    sourcePos = p.gtids();
                    bytes = MyPositions.bytesBehind(replica, d, primary);
                    transactions = d.engine() == Engine.MARIADB ? Gtids.behind(p.gtids(), s.appliedPosition()) : null;
                }
            } catch (RuntimeException e) {
                note = "primary " + s.source() + " not read (" + e.getMessage() + ")";
            }
        } else {
            note = "primary " + s.source() + " not reachable with these credentials; connect with"
                    + " SqlActions.connect(url, user, secret) or pass it: replicaLag(primary)";
        }
        if (bytes == null && s.engine() == Engine.POSTGRESQL) {
            bytes = null;
            note = note + (note.isEmpty() ? "" : "; ") + "received but not replayed: "
                    + Lsn.diff(s.receivedPosition(), s.appliedPosition()) + " bytes";
        }
        return new ReplicaLag(
                s.server(), s.source(), s.secondsBehind(), bytes, transactions, sourcePos, s.appliedPosition(), note);
    }
}
