package dev.runbook.sql;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Skips the one replication event that stopped a MariaDB/MySQL replica's SQL thread, and starts it again
 * (INC-003's {@code STOP REPLICA; SET GLOBAL sql_replica_skip_counter = 1; START REPLICA}). Refused without a
 * justification; the skipped event's coordinates, its GTID and the replica's error go into the plan's and
 * the result's details, and so into the audit. With GTID it never uses the skip counter: MySQL commits an
 * empty transaction under the failing GTID; MariaDB (which logs no empty transaction) records the failing
 * GTID as applied in {@code gtid_slave_pos}, with both replication threads stopped.
 *
 * <pre>{@code
 * var skip = replica.skipReplicationEvent("INC-003: row 42 already deleted on the replica by the cleanup job");
 * StepPlan plan = skip.plan(ctx);   // "skip GTID 0-1-4812 (error 1032 ...) on mariadb://..."
 * skip.apply(plan, ctx);
 * }</pre>
 *
 * <p>Throws {@link RefusedException} from {@link #plan} on PostgreSQL, on a primary, when the SQL thread runs
 *     or stopped without an error
 */
public final class SkipReplicationEvent implements Action {
    private final SqlTarget sql;
    private final String justification;

    SkipReplicationEvent(SqlTarget sql, String justification) {
        if (justification == null || justification.isBlank()) {
            throw new IllegalArgumentException("skipping a replication event makes the replica differ from its primary:"
                    + " give a justification (the incident and why this event may be lost), e.g."
                    + " skipReplicationEvent(\"INC-003: row already deleted on the replica\")");
        }
        this.sql = sql;
        this.justification = justification.trim();
    }

    /**
     * Every parameter apply uses.
     *
     * @param justification why the event may be skipped (audited)
     */
    public record Params(String justification) {}

    @Override
    public Params parameters() {
        return new Params(justification);
    }

    /**
     * The stopped event, as the plan observed it.
     *
     * @param server the replica
     * @param sourceLogFile the primary's binary log holding the event ({@code Relay_Master_Log_File})
     * @param sourceLogPosition where the event starts in it ({@code Exec_Master_Log_Pos})
     * @param gtid the failing transaction's GTID (null without GTID)
     * @param errorNumber {@code Last_SQL_Errno}
     * @param error {@code Last_SQL_Error}
     */
    public record StoppedEvent(
            String server, String sourceLogFile, long sourceLogPosition, String gtid, int errorNumber, String error) {}

    @Override
    public String type() {
        return "sql.skipReplicationEvent";
    }

    @Override
    public String target() {
        return sql.name() + " replication SQL thread";
    }

    private record Observed(StoppedEvent event, boolean running, List<String> statements, String method) {}

    private Observed observe() {
        Dialect d = sql.dialect();
        if (d.isPostgres()) {
            throw new RefusedException(sql.name() + " is PostgreSQL: physical replication has no event to skip (a"
                    + " standby replays WAL byte for byte); rebuild the standby instead");
        }
        return sql.call("read the replica status", c -> {
            Map<String, Object> row = Replication.replicaRow(d, c);
            if (row.isEmpty()) {
                throw new RefusedException(sql.name() + " is not a replica (SHOW REPLICA STATUS is empty); run this on"
                        + " the replica whose SQL thread stopped");
            }
            int errno = Integer.parseInt(String.valueOf(row.getOrDefault("Last_SQL_Errno", "0")));
            String error = String.valueOf(row.getOrDefault("Last_SQL_Error", ""));
            boolean running = "Yes".equals(Replication.str(row, d, "Slave_SQL_Running"));
            String file = Replication.str(row, d, "Relay_Master_Log_File");
            long pos = Long.parseLong(Replication.str(row, d, "Exec_Master_Log_Pos"));
            if (running) {
                return new Observed(new StoppedEvent(sql.name(), file, pos, null, 0, ""), true, List.of(), "none");
            }
            if (errno == 0) {
                throw new RefusedException("the SQL thread of " + sql.name()
                        + " is stopped without an error (someone ran"
                        + " STOP REPLICA?): there is no failing event to skip; start it with " + d.startSqlThread());
            }
            List<String> statements = new ArrayList<>();
            String gtid = null;
            String method;
            if (d.engine() == Engine.MARIADB && !"No".equalsIgnoreCase(Replication.str(row, d, "Using_Gtid"))) {
                gtid = failingMariaDbGtid(c, row, d);
                String slavePos = SqlTarget.scalar(c, "SELECT @@gtid_slave_pos");
                String newPos = replaceDomain(slavePos, gtid);
                statements.add(d.stopReplica());
                statements.add("SET GLOBAL gtid_slave_pos = '" + newPos + "'");
                statements.add(d.startReplica());
                method = "mark GTID " + gtid + " applied in gtid_slave_pos (MariaDB logs no empty transaction)";
            } else if (d.engine() == Engine.MYSQL && "ON".equalsIgnoreCase(SqlTarget.scalar(c, "SELECT @@gtid_mode"))) {
                gtid = SqlTarget.scalar(
                        c,
                        "SELECT APPLYING_TRANSACTION FROM performance_schema.replication_applier_status_by_worker"
                                + " WHERE LAST_ERROR_NUMBER <> 0 LIMIT 1");
                if (gtid == null || gtid.isBlank()) {
                    throw new RefusedException("cannot tell which GTID failed on " + sql.name() + " (performance_schema"
                            + ".replication_applier_status_by_worker shows none); skip it by hand");
                }
                statements.add("SET GTID_NEXT = '" + gtid + "'");
                statements.add("BEGIN");
                statements.add("COMMIT");
                statements.add("SET GTID_NEXT = 'AUTOMATIC'");
                statements.add(d.startSqlThread());
                method = "inject an empty transaction under GTID " + gtid;
            } else {
                statements.add("SET GLOBAL " + d.skipCounter() + " = 1");
                statements.add(d.startSqlThread());
                method = "skip counter (no GTID)";
            }
            return new Observed(new StoppedEvent(sql.name(), file, pos, gtid, errno, error), false, statements, method);
        });
    }

    /** The GTID of the event group at the SQL thread's relay log position ({@code BEGIN GTID 0-1-4}). */
    private static String failingMariaDbGtid(Connection c, Map<String, Object> row, Dialect d) throws SQLException {
        String relayFile = String.valueOf(row.get("Relay_Log_File"));
        String relayPos = String.valueOf(row.get("Relay_Log_Pos"));
        for (Map<String, Object> e :
                SqlTarget.rows(c, "SHOW RELAYLOG EVENTS IN '" + relayFile + "' FROM " + relayPos + " LIMIT 5")) {
            String info = String.valueOf(e.get("Info"));
            int at = info.indexOf("GTID ");
            if ("Gtid".equals(String.valueOf(e.get("Event_type"))) && at >= 0) {
                return info.substring(at + 5).trim().split("\\s+", -1)[0];
            }
        }
        throw new RefusedException("cannot find the failing transaction's GTID in " + relayFile + " at " + relayPos
                + " on the replica; skip it by hand");
    }

    /** {@code pos} with the domain of {@code gtid} set to it. */
    static String replaceDomain(String pos, String gtid) {
        Gtids.Gtid g = Gtids.parse(gtid).get(0);
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (Gtids.Gtid p : Gtids.parse(pos)) {
            if (p.domain() == g.domain()) {
                out.add(g.toString());
                replaced = true;
            } else {
                out.add(p.toString());
            }
        }
        if (!replaced) {
            out.add(g.toString());
        }
        return String.join(",", out);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Observed o = observe();
        if (o.running()) {
            return StepPlan.unchanged(
                    this,
                    "the SQL thread of " + sql.name() + " is running; there is no stopped event to skip",
                    o.event());
        }
        StoppedEvent e = o.event();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("justification", justification);
        details.put("event", e);
        details.put("method", o.method());
        details.put("statements", o.statements());
        return StepPlan.builder(this)
                .summary("skip "
                        + (e.gtid() == null
                                ? "the event at " + e.sourceLogFile() + ":" + e.sourceLogPosition()
                                : "GTID " + e.gtid())
                        + " on " + sql.name() + " (error " + e.errorNumber() + ": " + abbreviate(e.error())
                        + ") and restart the SQL thread; because: "
                        + justification)
                .before(e)
                .after(new StoppedEvent(sql.name(), e.sourceLogFile(), e.sourceLogPosition(), e.gtid(), 0, "(skipped)"))
                .blastRadius("events", 1)
                .details(details)
                .warning(
                        "the replica will differ from its primary by this event: check the table (pt-table-checksum) or"
                                + " re-clone the replica")
                .build();
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Observed o = observe();
        if (plan.isNoop() && o.running()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(o.event());
        Map<String, Object> received =
                sql.call("read the replica status", c -> Replication.replicaRow(sql.dialect(), c));
        sql.call("skip the event", c -> {
            for (String s : o.statements()) {
                SqlTarget.execute(c, s);
            }
            return null;
        });
        // until the SQL thread has applied what had been received before the skip, or stopped on another event
        Promotion.poll(Duration.ofSeconds(5), () -> {
            ReplicationStatus s = Replication.status(sql);
            return s.lastErrorNumber() != 0 && !s.applying() || s.applying() && applied(s, received);
        });
        ReplicationStatus after = Replication.status(sql);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("justification", justification);
        details.put("skipped", o.event());
        details.put("method", o.method());
        details.put("statements", o.statements());
        details.put("after", after.toString());
        return ApplyResult.changed("skipped "
                        + (o.event().gtid() == null
                                ? "the event at " + o.event().sourceLogFile() + ":"
                                        + o.event().sourceLogPosition()
                                : "GTID " + o.event().gtid())
                        + " on " + sql.name() + " (error "
                        + o.event().errorNumber() + "); SQL thread "
                        + (after.applying() ? "running again" : "stopped again: " + after.lastError()))
                .count("events", 1)
                .details(details)
                .build();
    }

    /** Whether the replica applied everything its status row {@code before} had received. */
    private boolean applied(ReplicationStatus now, Map<String, Object> before) {
        Dialect d = sql.dialect();
        if (d.engine() == Engine.MARIADB && !"No".equalsIgnoreCase(now.gtidMode())) {
            String got = Replication.str(before, d, "Gtid_IO_Pos");
            return got == null || got.isBlank() || Gtids.covers(now.appliedPosition(), got);
        }
        Map<String, Object> row = sql.call("read the replica status", c -> Replication.replicaRow(d, c));
        String file = Replication.str(before, d, "Master_Log_File");
        return !file.equals(Replication.str(row, d, "Relay_Master_Log_File"))
                || Long.parseLong(Replication.str(row, d, "Exec_Master_Log_Pos"))
                        >= Long.parseLong(Replication.str(before, d, "Read_Master_Log_Pos"));
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ReplicationStatus s = Replication.status(sql);
        if (s.applying()) {
            return Verification.passed(
                    "the SQL thread of " + sql.name() + " is running (applied " + s.appliedPosition() + ")", s);
        }
        return Verification.failed(
                "the SQL thread of " + sql.name() + " stopped again (error " + s.lastErrorNumber() + ": "
                        + s.lastError() + "): another event fails; look at it before skipping more",
                s);
    }

    @Override
    public String toString() {
        return "SkipReplicationEvent[" + target() + ", because " + justification + "]";
    }
}
