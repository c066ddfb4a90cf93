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
 * PostgreSQL promotion: fence with {@code default_transaction_read_only} (ALTER SYSTEM + reload, proven
 * reloaded, then every other client backend terminated: the setting alone is a soft fence), final position
 * {@code pg_current_wal_insert_lsn()} once flushed, wait for {@code pg_last_wal_replay_lsn()}, then {@code
 * pg_promote(false)} and poll {@code pg_is_in_recovery()}.
 */
final class PgPromotion extends Promotion {
    static final String FENCE = "ALTER SYSTEM SET default_transaction_read_only = on";
    static final String UNFENCE = "ALTER SYSTEM RESET default_transaction_read_only";
    static final String RELOAD = "SELECT pg_reload_conf()";
    static final String TERMINATE = "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";
    private static final Duration STEP = Duration.ofSeconds(2);

    PgPromotion(SqlTarget candidate, SqlTarget old, PromotionSettings settings) {
        super(candidate, old, settings);
    }

    private static String systemId(java.sql.Connection c) throws java.sql.SQLException {
        return SqlTarget.scalar(c, "SELECT system_identifier::text FROM pg_control_system()");
    }

    @Override
    Facts observe() {
        ReplicationStatus st = Replication.status(candidate);
        String candidateId = candidate.call("read the system identifier", PgPromotion::systemId);
        List<String> warnings = new ArrayList<>();
        if (!st.isReplica()) {
            return new Facts(
                    st,
                    roles(st, candidateId, "n/a", "n/a"),
                    0,
                    null,
                    st.appliedPosition(),
                    false,
                    List.of(),
                    warnings);
        }
        if (!st.applying()) {
            throw new RefusedException("WAL replay is paused on candidate " + candidate.name() + " (at "
                    + st.appliedPosition() + "); resume it with SELECT pg_wal_replay_resume() and plan again");
        }
        Map<String, Object> o = readOld();
        if (settings.planned()) {
            if (o.containsKey("error")) {
                throw new RefusedException("old primary " + oldName() + " is unreachable (" + o.get("error") + ");"
                        + " a planned promotion fences it first. If it is down for good, promote with"
                        + " .unplanned(\"reason\", maxLagBytes), accepting the loss of what it acknowledged after "
                        + st.receivedPosition() + ", which " + candidate.name() + " received last");
            }
            if ("t".equals(o.get("recovery"))) {
                throw new RefusedException(oldName() + " is itself a standby, not the primary of " + candidate.name()
                        + "; pass the primary it replicates from");
            }
            if (!candidateId.equals(o.get("systemId"))) {
                throw new RefusedException(oldName() + " (system " + o.get("systemId") + ") is not the primary of "
                        + candidate.name() + " (system " + candidateId + "); pass the server it streams from ("
                        + st.source() + ")");
            }
            long tli = (Long) o.get("timeline");
            if (st.timeline() != null && st.timeline() != tli) {
                throw new RefusedException(candidate.name() + " is on timeline " + st.timeline() + " but " + oldName()
                        + " on " + tli + "; the standby follows another history: rebuild it and plan again");
            }
            if (!st.receiving()) {
                throw new RefusedException("candidate " + candidate.name() + " is not streaming from " + oldName()
                        + " (WAL receiver " + st.receiverState() + "); fix replication (see its log) and plan again");
            }
            String lsn = (String) o.get("lsn");
            long lag = Lsn.diff(lsn, st.appliedPosition());
            if (lag > settings.maxLagBytes()) {
                throw new RefusedException(String.format(
                        Locale.ROOT,
                        "candidate %s has replayed %s, %,d bytes behind %s at %s, more than maxLagBytes %,d; wait for it"
                                + " to catch up (or raise .maxLagBytes) and plan again",
                        candidate.name(),
                        st.appliedPosition(),
                        lag,
                        oldName(),
                        lsn,
                        settings.maxLagBytes()));
            }
            boolean writable = "off".equals(o.get("readOnly"));
            if (!writable) {
                warnings.add(oldName() + " already has default_transaction_read_only = on (fenced by an earlier run?);"
                        + " it will be left fenced if the promotion fails");
            }
            return new Facts(
                    st,
                    roles(st, candidateId, "primary timeline " + tli, writable ? "writable" : "read-only"),
                    lag,
                    null,
                    lsn,
                    writable,
                    statements(),
                    warnings);
        }
        if (!o.containsKey("error")) {
            throw new RefusedException("old primary " + oldName() + " answers (default_transaction_read_only "
                    + o.get("readOnly") + "): an unplanned promotion beside a live primary makes two primaries;"
                    + " use the planned mode (drop .unplanned), which fences it first");
        }
        long unapplied = Lsn.diff(st.receivedPosition(), st.appliedPosition());
        if (unapplied > settings.maxLagBytes()) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "candidate %s has %,d bytes received but not replayed, more than maxLagBytes %,d; wait for replay"
                            + " or raise the limit, then plan again",
                    candidate.name(),
                    unapplied,
                    settings.maxLagBytes()));
        }
        warnings.add("data loss accepted (" + settings.dataLossReason() + "): whatever " + oldName()
                + " acknowledged after " + st.receivedPosition() + " (the last WAL " + candidate.name()
                + " received) is lost; it was unreachable: " + o.get("error"));
        return new Facts(
                st,
                roles(st, candidateId, "unreachable", "unreachable"),
                unapplied,
                null,
                st.receivedPosition(),
                false,
                List.of("SELECT pg_promote(false)", "SELECT pg_is_in_recovery() -- every 10 ms until false"),
                warnings);
    }

    private List<String> statements() {
        return List.of(
                "-- on the old primary " + oldName(),
                FENCE,
                RELOAD,
                "SHOW default_transaction_read_only -- until on: the postmaster has reloaded",
                TERMINATE,
                "SELECT pg_current_wal_insert_lsn(), then pg_current_wal_flush_lsn() until it reaches it",
                "-- on the candidate " + candidate.name(),
                "SELECT pg_last_wal_replay_lsn() >= '<final lsn>' -- every 10 ms, up to catchUpTimeout "
                        + settings.catchUpTimeout().toMillis() + " ms",
                "SELECT pg_promote(false)",
                "SELECT pg_is_in_recovery() -- every 10 ms until false",
                "-- if the promotion fails before pg_promote: on " + oldName() + ": " + UNFENCE + "; " + RELOAD);
    }

    private PromoteReplica.Roles roles(ReplicationStatus st, String systemId, String oldRole, String oldState) {
        return new PromoteReplica.Roles(
                candidate.name(),
                st.role(),
                st.source(),
                st.timeline(),
                oldName(),
                oldRole,
                oldState,
                "system " + systemId,
                settings.planned() ? "planned" : "unplanned");
    }

    private String oldName() {
        return old == null ? "(unknown)" : old.name();
    }

    private Map<String, Object> readOld() {
        Map<String, Object> o = new LinkedHashMap<>();
        if (old == null) {
            o.put("error", "no address known");
            return o;
        }
        try {
            old.call("read the old primary", settings.fenceTimeout(), c -> {
                o.put("recovery", SqlTarget.scalar(c, "SELECT pg_is_in_recovery()"));
                o.put("systemId", systemId(c));
                if ("f".equals(o.get("recovery"))) {
                    o.put("lsn", SqlTarget.scalar(c, "SELECT pg_current_wal_lsn()"));
                    o.put("timeline", Long.parseLong(SqlTarget.scalar(c, Replication.PG_TIMELINE)));
                }
                o.put("readOnly", SqlTarget.scalar(c, "SHOW default_transaction_read_only"));
                return null;
            });
        } catch (TargetUnavailableException e) {
            o.clear();
            o.put("error", e.getMessage());
        }
        return o;
    }

    @Override
    void fence() {
        old.call("fence the old primary", settings.fenceTimeout(), c -> {
            SqlTarget.execute(c, FENCE);
            SqlTarget.execute(c, RELOAD);
            // this session sees the new value only after the postmaster reloaded and signalled it; every
            // backend forked after that starts read-only, and every one before is terminated below
            if (!poll(settings.fenceTimeout(), () -> "on"
                    .equals(SqlTarget.scalarUnchecked(c, "SHOW default_transaction_read_only")))) {
                throw new java.sql.SQLTimeoutException(
                        "default_transaction_read_only not reloaded in " + settings.fenceTimeout());
            }
            List<Long> pids = new ArrayList<>();
            for (Map<String, Object> r : SqlTarget.rows(c, TERMINATE)) {
                pids.add(((Number) r.get("pid")).longValue());
            }
            if (!pids.isEmpty()) {
                String in = pids.toString().replace('[', '(').replace(']', ')');
                boolean gone = poll(settings.fenceTimeout(), () -> "0"
                        .equals(SqlTarget.scalarUnchecked(
                                c, "SELECT count(*) FROM pg_stat_activity WHERE pid IN " + in)));
                if (!gone) {
                    throw new java.sql.SQLTimeoutException(
                            "sessions " + pids + " still there after " + settings.fenceTimeout());
                }
            }
            return null;
        });
    }

    @Override
    String finalPosition() {
        return old.call("read the fenced primary's final WAL position", settings.fenceTimeout(), c -> {
            String insert = SqlTarget.scalar(c, "SELECT pg_current_wal_insert_lsn()");
            // acknowledged commits are flushed; the WAL writer flushes the rest within wal_writer_delay
            poll(Duration.ofSeconds(2), () -> "t"
                    .equals(SqlTarget.scalarUnchecked(
                            c, "SELECT pg_current_wal_flush_lsn() >= '" + insert + "'::pg_lsn")));
            return insert;
        });
    }

    @Override
    void awaitApplied(String position) {
        Duration timeout = settings.catchUpTimeout();
        boolean done = candidate.call(
                "wait for the candidate to replay " + position,
                STEP,
                c -> poll(timeout, () -> "t"
                        .equals(SqlTarget.scalarUnchecked(
                                c, "SELECT pg_last_wal_replay_lsn() >= '" + position + "'::pg_lsn"))));
        if (!done) {
            ReplicationStatus st = Replication.status(candidate);
            throw new RefusedException("candidate " + candidate.name() + " did not replay the fenced primary's final"
                    + " position " + position + " within catchUpTimeout " + timeout.toMillis() + " ms (replayed "
                    + st.appliedPosition() + ", received " + st.receivedPosition() + ", receiver " + st.receiverState()
                    + ")");
        }
    }

    @Override
    void awaitReceivedApplied() {
        // pg_promote replays everything received before it promotes
    }

    @Override
    void promote() {
        Duration timeout = settings.promoteTimeout();
        boolean promoted = candidate.call("promote", STEP, c -> {
            SqlTarget.scalar(c, "SELECT pg_promote(false)");
            return poll(timeout, () -> "f".equals(SqlTarget.scalarUnchecked(c, "SELECT pg_is_in_recovery()")));
        });
        if (!promoted) {
            throw new TargetUnavailableException(
                    candidate.name() + " was asked to promote (pg_promote) but is still in" + " recovery after "
                            + timeout.toMillis() + " ms; check its log: it may still finish",
                    null,
                    true);
        }
        candidate.call("make the new primary writable", c -> {
            // a standby cloned from a fenced primary inherits its postgresql.auto.conf
            if ("on".equals(SqlTarget.scalar(c, "SHOW default_transaction_read_only"))) {
                SqlTarget.execute(c, UNFENCE);
                SqlTarget.execute(c, RELOAD);
            }
            return null;
        });
    }

    @Override
    void unfence() {
        old.call("unfence the old primary", settings.fenceTimeout(), c -> {
            SqlTarget.execute(c, UNFENCE);
            SqlTarget.execute(c, RELOAD);
            return null;
        });
    }

    @Override
    String unfenceStatements() {
        return UNFENCE + "; " + RELOAD;
    }

    @Override
    String writeProbe() {
        String xid = candidate.call(
                "run the write probe (SELECT txid_current())", c -> SqlTarget.scalar(c, "SELECT txid_current()"));
        String custom = settings.writeProbe() == null ? "" : "; " + runCustomProbe();
        return "SELECT txid_current() = " + xid + custom;
    }

    private String runCustomProbe() {
        return candidate.call("run the write probe " + settings.writeProbe(), c -> {
            c.setAutoCommit(false);
            try {
                SqlTarget.execute(c, settings.writeProbe());
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            return settings.writeProbe() + " (rolled back)";
        });
    }

    @Override
    Map<String, Object> candidateState() {
        return candidate.call("read the new primary", c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            boolean recovery = Replication.inRecovery(c);
            m.put("inRecovery", recovery);
            if (!recovery) {
                m.put("timeline", Long.parseLong(SqlTarget.scalar(c, Replication.PG_TIMELINE)));
                m.put("lsn", SqlTarget.scalar(c, "SELECT pg_current_wal_lsn()"));
            }
            m.put("defaultTransactionReadOnly", SqlTarget.scalar(c, "SHOW default_transaction_read_only"));
            return m;
        });
    }
}
