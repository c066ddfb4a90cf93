package dev.runbook.sql;

import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MariaDB/MySQL promotion with GTID: fence with {@code read_only} ({@code super_read_only} on MySQL) and
 * end every other client connection, final position {@code gtid_binlog_pos} / {@code gtid_executed}, wait
 * with {@code MASTER_GTID_WAIT} / {@code WAIT_FOR_EXECUTED_GTID_SET}, then {@code STOP REPLICA; RESET
 * REPLICA ALL; SET GLOBAL read_only = OFF} once everything is applied (RESET throws unapplied relay logs
 * away).
 */
final class MyPromotion extends Promotion {
    private static final Duration STEP = Duration.ofSeconds(2);
    private final Dialect d;

    MyPromotion(SqlTarget candidate, SqlTarget old, PromotionSettings settings) {
        super(candidate, old, settings);
        this.d = candidate.dialect();
    }

    private String oldName() {
        return old == null ? "(unknown)" : old.name();
    }

    @Override
    Facts observe() {
        ReplicationStatus st = Replication.status(candidate);
        String serverId = candidate.call("read server_id", c -> SqlTarget.scalar(c, "SELECT @@server_id"));
        List<String> warnings = new ArrayList<>();
        if (!st.isReplica()) {
            return new Facts(
                    st, roles(st, serverId, "n/a", "n/a"), 0, null, st.executedGtids(), false, List.of(), warnings);
        }
        Map<String, Object> row = candidate.call("read the replica status", c -> Replication.replicaRow(d, c));
        String gtidMode = st.gtidMode();
        if (gtidMode == null || gtidMode.equalsIgnoreCase("No") || gtidMode.equals("0")) {
            throw new RefusedException("candidate " + candidate.name() + " replicates by file and position, not GTID"
                    + " (" + (d.engine() == Engine.MARIADB ? "Using_Gtid" : "Auto_Position") + " = " + gtidMode
                    + "); switch"
                    + " it to GTID ("
                    + (d.engine() == Engine.MARIADB
                            ? "CHANGE MASTER TO MASTER_USE_GTID = slave_pos"
                            : "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1")
                    + ") and plan again");
        }
        if (!st.applying()) {
            throw new RefusedException(
                    "the SQL thread of candidate " + candidate.name() + " is stopped"
                            + (st.lastErrorNumber() == 0
                                    ? ""
                                    : " (error " + st.lastErrorNumber() + ": " + st.lastError() + ")")
                            + "; fix it (START REPLICA SQL_THREAD, or skipReplicationEvent with a justification) and plan again");
        }
        String sourceId = Replication.str(row, d, "Master_Server_Id");
        // the candidate's GTIDs before the primary's: read the other way round, a busy primary's older
        // state would look like it lacks what the candidate has just received
        String candidateState = candidate.call(
                "read gtid_binlog_state",
                c -> SqlTarget.scalar(
                        c, d.engine() == Engine.MARIADB ? "SELECT @@gtid_binlog_state" : "SELECT @@gtid_executed"));
        Map<String, Object> o = readOld();
        if (settings.planned()) {
            if (o.containsKey("error")) {
                throw new RefusedException("old primary " + oldName() + " is unreachable (" + o.get("error") + ");"
                        + " a planned promotion fences it first. If it is down for good, promote with"
                        + " .unplanned(\"reason\", maxLagBytes), accepting the loss of what it acknowledged after GTID "
                        + st.receivedPosition() + ", which " + candidate.name() + " received last");
            }
            if (Boolean.TRUE.equals(o.get("isReplica"))) {
                throw new RefusedException(oldName() + " is itself a replica (of " + o.get("itsSource")
                        + "); promoting " + candidate.name()
                        + " under a chained or circular setup is not supported: promote by hand");
            }
            if (!String.valueOf(o.get("serverId")).equals(sourceId)) {
                throw new RefusedException(oldName() + " has server_id " + o.get("serverId") + " but "
                        + candidate.name() + " replicates from server_id " + sourceId + " at " + st.source()
                        + "; pass that server");
            }
            if (!st.receiving()) {
                throw new RefusedException(
                        "the IO thread of candidate " + candidate.name() + " is " + st.receiverState()
                                + (st.lastErrorNumber() == 0
                                        ? ""
                                        : " (error " + st.lastErrorNumber() + ": " + st.lastError() + ")")
                                + "; fix replication from " + oldName() + " and plan again");
            }
            MyPositions p = (MyPositions) o.get("positions");
            List<String> errant = errant(candidateState, p.gtidState());
            if (!errant.isEmpty()) {
                throw new RefusedException("candidate " + candidate.name() + " has errant GTIDs " + errant + " that "
                        + oldName() + " never had (writes made on the replica); promoting it would serve them and"
                        + " break the other replicas. Remove them (or re-clone " + candidate.name()
                        + ") and plan again");
            }
            Long bytes = MyPositions.bytesBehind(candidate, d, old);
            long lag = bytes == null ? Long.MAX_VALUE : bytes;
            Long trx = d.engine() == Engine.MARIADB ? Gtids.behind(p.gtids(), st.appliedPosition()) : null;
            if (lag > settings.maxLagBytes()) {
                throw new RefusedException(String.format(
                        Locale.ROOT,
                        "candidate %s has applied %s, %s bytes%s behind %s at %s, more than maxLagBytes %,d; wait for"
                                + " it to catch up (or raise .maxLagBytes) and plan again",
                        candidate.name(),
                        st.appliedPosition(),
                        bytes == null ? "an unknown number of" : String.format(Locale.ROOT, "%,d", bytes),
                        trx == null ? "" : " (" + trx + " transactions)",
                        oldName(),
                        p.gtids(),
                        settings.maxLagBytes()));
            }
            boolean writable = Boolean.TRUE.equals(o.get("writable"));
            if (!writable) {
                warnings.add(oldName() + " is already read-only (fenced by an earlier run?); it will be left read-only"
                        + " if the promotion fails");
            }
            return new Facts(
                    st,
                    roles(st, serverId, "primary server_id " + o.get("serverId"), writable ? "writable" : "read-only"),
                    lag,
                    trx,
                    p.gtids(),
                    writable,
                    statements(),
                    warnings);
        }
        if (!o.containsKey("error")) {
            throw new RefusedException("old primary " + oldName() + " answers (read_only " + o.get("writable") + "): an"
                    + " unplanned promotion beside a live primary makes two primaries; use the planned mode (drop"
                    + " .unplanned), which fences it first");
        }
        Long unapplied = relayBacklog(row);
        if (unapplied == null || unapplied > settings.maxLagBytes()) {
            throw new RefusedException("candidate " + candidate.name() + " has "
                    + (unapplied == null ? "an unknown number of" : String.format(Locale.ROOT, "%,d", unapplied))
                    + " bytes received but not applied, more than"
                    + " maxLagBytes " + settings.maxLagBytes()
                    + "; wait for the SQL thread or raise the limit, then plan again");
        }
        warnings.add("data loss accepted (" + settings.dataLossReason() + "): whatever " + oldName()
                + " acknowledged after GTID " + st.receivedPosition() + " (the last " + candidate.name()
                + " received) is lost; it was unreachable: " + o.get("error"));
        List<String> stmts = new ArrayList<>();
        stmts.add(d.waitForGtids(
                "<received: " + st.receivedPosition() + ">",
                settings.catchUpTimeout().toSeconds()));
        stmts.addAll(promoteStatements());
        return new Facts(
                st,
                roles(st, serverId, "unreachable", "unreachable"),
                unapplied,
                null,
                st.receivedPosition(),
                false,
                stmts,
                warnings);
    }

    private Long relayBacklog(Map<String, Object> row) {
        String read = Replication.str(row, d, "Master_Log_File");
        String exec = Replication.str(row, d, "Relay_Master_Log_File");
        if (read == null || !read.equals(exec)) {
            return null;
        }
        return Math.max(
                0,
                Long.parseLong(Replication.str(row, d, "Read_Master_Log_Pos"))
                        - Long.parseLong(Replication.str(row, d, "Exec_Master_Log_Pos")));
    }

    private List<String> errant(String candidateState, String primaryState) {
        if (d.engine() == Engine.MARIADB) {
            return Gtids.errant(candidateState, primaryState).stream()
                    .map(Gtids.Gtid::toString)
                    .toList();
        }
        String left = candidate.call(
                "compare GTID sets",
                c -> SqlTarget.scalar(c, "SELECT GTID_SUBTRACT('" + candidateState + "', '" + primaryState + "')"));
        return left == null || left.isBlank() ? List.of() : List.of(left);
    }

    private List<String> promoteStatements() {
        return List.of(
                d.stopReplica(),
                d.waitForGtids("<final position>", 0) + " -- must be 0: all applied",
                d.resetReplicaAll(),
                d.unfence());
    }

    private List<String> statements() {
        List<String> out = new ArrayList<>();
        out.add("-- on the old primary " + oldName());
        out.add("SET SESSION lock_wait_timeout = "
                + Math.max(1, settings.fenceTimeout().toSeconds()));
        out.add(d.fence());
        out.add("KILL CONNECTION <id> -- each client connection but this one (replication and system threads kept)");
        out.add("SELECT @@" + d.executedGtids() + " -- the final position");
        out.add("-- on the candidate " + candidate.name());
        out.add(d.waitForGtids("<final position>", settings.catchUpTimeout().toSeconds()));
        out.addAll(promoteStatements());
        out.add("-- if the promotion fails before " + d.stopReplica() + ": on " + oldName() + ": " + d.unfence());
        return out;
    }

    private PromoteReplica.Roles roles(ReplicationStatus st, String serverId, String oldRole, String oldState) {
        return new PromoteReplica.Roles(
                candidate.name(),
                st.role(),
                st.source(),
                null,
                oldName(),
                oldRole,
                oldState,
                "server_id " + serverId,
                settings.planned() ? "planned" : "unplanned");
    }

    private Map<String, Object> readOld() {
        Map<String, Object> o = new LinkedHashMap<>();
        if (old == null) {
            o.put("error", "no address known");
            return o;
        }
        try {
            old.call("read the old primary", settings.fenceTimeout(), c -> {
                o.put("serverId", SqlTarget.scalar(c, "SELECT @@server_id"));
                String ro = SqlTarget.scalar(
                        c,
                        d.engine() == Engine.MYSQL ? "SELECT @@read_only OR @@super_read_only" : "SELECT @@read_only");
                o.put("writable", "0".equals(ro));
                Map<String, Object> its = Replication.replicaRow(d, c);
                o.put("isReplica", !its.isEmpty());
                if (!its.isEmpty()) {
                    o.put(
                            "itsSource",
                            Replication.str(its, d, "Master_Host") + ":" + Replication.str(its, d, "Master_Port"));
                }
                return null;
            });
            o.put("positions", MyPositions.read(old, d));
        } catch (TargetUnavailableException e) {
            o.clear();
            o.put("error", e.getMessage());
        }
        return o;
    }

    @Override
    void fence() {
        old.call("fence the old primary", settings.fenceTimeout().plus(STEP), c -> {
            SqlTarget.execute(
                    c,
                    "SET SESSION lock_wait_timeout = "
                            + Math.max(1, settings.fenceTimeout().toSeconds()));
            SqlTarget.execute(c, d.fence());
            List<Long> ids = new ArrayList<>();
            for (Session s : Sessions.read(d, c)) {
                if (s.isClient() && !s.self()) {
                    try {
                        SqlTarget.execute(c, "KILL CONNECTION " + s.id());
                        ids.add(s.id());
                    } catch (java.sql.SQLException e) {
                        if (e.getErrorCode() != 1094) { // unknown thread: it ended meanwhile
                            throw e;
                        }
                    }
                }
            }
            if (!ids.isEmpty()) {
                String in = ids.toString().replace('[', '(').replace(']', ')');
                if (!poll(settings.fenceTimeout(), () -> "0"
                        .equals(SqlTarget.scalarUnchecked(
                                c, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN " + in)))) {
                    throw new java.sql.SQLTimeoutException(
                            "connections " + ids + " still there after " + settings.fenceTimeout());
                }
            }
            return null;
        });
    }

    @Override
    String finalPosition() {
        return old.call(
                "read the fenced primary's final GTID position",
                settings.fenceTimeout(),
                c -> SqlTarget.scalar(c, "SELECT @@" + d.executedGtids()));
    }

    @Override
    void awaitApplied(String position) {
        Duration timeout = settings.catchUpTimeout();
        String r = candidate.call(
                "wait for the candidate to apply " + position,
                timeout.plus(STEP),
                c -> SqlTarget.scalar(c, d.waitForGtids(position, Math.max(1, timeout.toSeconds()))));
        if (!"0".equals(r)) {
            ReplicationStatus st = Replication.status(candidate);
            throw new RefusedException("candidate " + candidate.name() + " did not apply the fenced primary's final"
                    + " position " + position + " within catchUpTimeout " + timeout.toMillis() + " ms (applied "
                    + st.appliedPosition() + ", IO thread " + st.receiverState() + ", SQL thread " + st.applierState()
                    + (st.lastErrorNumber() == 0 ? "" : ", error " + st.lastErrorNumber() + ": " + st.lastError())
                    + ")");
        }
    }

    @Override
    void awaitReceivedApplied() {
        ReplicationStatus st = Replication.status(candidate);
        if (st.receivedPosition() != null && !st.receivedPosition().isBlank()) {
            awaitApplied(st.receivedPosition());
        }
    }

    @Override
    void promote() {
        candidate.call("promote", settings.promoteTimeout(), c -> {
            SqlTarget.execute(c, d.stopReplica());
            String applied = SqlTarget.scalar(
                    c, d.engine() == Engine.MARIADB ? "SELECT @@gtid_slave_pos" : "SELECT @@gtid_executed");
            Map<String, Object> row = Replication.replicaRow(d, c);
            String received = d.engine() == Engine.MARIADB
                    ? Replication.str(row, d, "Gtid_IO_Pos")
                    : Replication.str(row, d, "Retrieved_Gtid_Set");
            if (d.engine() == Engine.MARIADB && received != null && !Gtids.covers(applied, received)) {
                SqlTarget.execute(c, d.startReplica());
                throw new java.sql.SQLException(
                        "after " + d.stopReplica() + " the SQL thread had applied " + applied
                                + " of the received " + received + "; " + d.resetReplicaAll()
                                + " would throw the rest away"
                                + " (replication restarted)",
                        "HY000",
                        0);
            }
            SqlTarget.execute(c, d.resetReplicaAll());
            SqlTarget.execute(c, d.unfence());
            return null;
        });
    }

    @Override
    void unfence() {
        old.call("unfence the old primary", settings.fenceTimeout(), c -> {
            SqlTarget.execute(c, d.unfence());
            return null;
        });
    }

    @Override
    String unfenceStatements() {
        return d.unfence();
    }

    @Override
    String writeProbe() {
        String ro = candidate.call(
                "check read_only",
                c -> SqlTarget.scalar(
                        c,
                        d.engine() == Engine.MYSQL ? "SELECT @@read_only OR @@super_read_only" : "SELECT @@read_only"));
        if (!"0".equals(ro)) {
            throw new RefusedException(
                    candidate.name() + " still has read_only on after promotion; run " + d.unfence());
        }
        if (settings.writeProbe() == null) {
            return "read_only = 0 (no write probe statement given: .writeProbe(\"UPDATE ...\") runs one, rolled back)";
        }
        return candidate.call("run the write probe " + settings.writeProbe(), c -> {
            c.setAutoCommit(false);
            try {
                SqlTarget.execute(c, settings.writeProbe());
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            return "read_only = 0; " + settings.writeProbe() + " (rolled back)";
        });
    }

    @Override
    Map<String, Object> candidateState() {
        return candidate.call("read the new primary", c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("replicaStatus", Replication.replicaRow(d, c).isEmpty() ? "none" : "present");
            m.put("readOnly", SqlTarget.scalar(c, "SELECT @@read_only"));
            m.put("gtids", SqlTarget.scalar(c, "SELECT @@" + d.executedGtids()));
            return m;
        });
    }
}
