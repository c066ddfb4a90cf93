package dev.runbook.sql;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.ItemOutcome;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ends sessions selected by idle time, running time, state, user, database, application or query text, with
 * {@code pg_terminate_backend} or {@code KILL CONNECTION} ({@code pg_cancel_backend} / {@code KILL QUERY}
 * with {@link #cancelQueryOnly()}). Never this library's own session, replication or background sessions;
 * at most {@link #maxSessions(int)} (default 20), else refused. The dry run lists every session it would
 * end; apply ends only those, and only if each is still the same session (id and start) and still matches.
 *
 * <pre>{@code
 * var idle = sql.terminateSessions().idleLongerThan(Duration.ofHours(1)).user("app").maxSessions(50);
 * StepPlan plan = idle.plan(ctx);   // "terminate 12 sessions on postgresql://...: pid 4242 app@orders idle 2h3m ..."
 * idle.apply(plan, ctx);
 * }</pre>
 *
 * <p>Throws {@link RefusedException} from {@link #plan} without a criterion or over the budget, and {@link
 *     StalePlanException} from {@link #apply} when the server restarted since the plan
 */
public final class TerminateSessions implements Action {
    static final int DEFAULT_MAX_SESSIONS = 20;
    private static final Duration WAIT_GONE = Duration.ofSeconds(5);

    private final SqlTarget sql;
    private final SessionSelection selection;
    private final int maxSessions;
    private final boolean cancelQueryOnly;

    TerminateSessions(SqlTarget sql, SessionSelection selection, int maxSessions, boolean cancelQueryOnly) {
        this.sql = sql;
        this.selection = selection;
        this.maxSessions = maxSessions;
        this.cancelQueryOnly = cancelQueryOnly;
    }

    private TerminateSessions with(SessionSelection s) {
        return new TerminateSessions(sql, s, maxSessions, cancelQueryOnly);
    }

    private SessionSelection s() {
        return selection;
    }

    /** Sessions idle (or idle in a transaction) for at least {@code d}. */
    public TerminateSessions idleLongerThan(Duration d) {
        return with(s().with(
                        d,
                        s().runningLongerThan(),
                        s().states(),
                        s().users(),
                        s().databases(),
                        s().applications(),
                        s().queryContains()));
    }

    /** Sessions running one statement for at least {@code d}. */
    public TerminateSessions runningLongerThan(Duration d) {
        return with(s().with(
                        s().idleLongerThan(),
                        d,
                        s().states(),
                        s().users(),
                        s().databases(),
                        s().applications(),
                        s().queryContains()));
    }

    /** Sessions in one of these states ({@code idle in transaction}, {@code active}; {@code Sleep}, {@code Query}). */
    public TerminateSessions state(String... states) {
        return with(s().with(
                        s().idleLongerThan(),
                        s().runningLongerThan(),
                        Set.of(states),
                        s().users(),
                        s().databases(),
                        s().applications(),
                        s().queryContains()));
    }

    /** Sessions of one of these users. */
    public TerminateSessions user(String... users) {
        return with(s().with(
                        s().idleLongerThan(),
                        s().runningLongerThan(),
                        s().states(),
                        Set.of(users),
                        s().databases(),
                        s().applications(),
                        s().queryContains()));
    }

    /** Sessions on one of these databases. */
    public TerminateSessions database(String... databases) {
        return with(s().with(
                        s().idleLongerThan(),
                        s().runningLongerThan(),
                        s().states(),
                        s().users(),
                        Set.of(databases),
                        s().applications(),
                        s().queryContains()));
    }

    /** Sessions of one of these applications ({@code application_name}; client host:port on MariaDB/MySQL). */
    public TerminateSessions application(String... applications) {
        return with(s().with(
                        s().idleLongerThan(),
                        s().runningLongerThan(),
                        s().states(),
                        s().users(),
                        s().databases(),
                        Set.of(applications),
                        s().queryContains()));
    }

    /** Sessions whose current or last statement contains {@code text} (case-insensitive). */
    public TerminateSessions queryContains(String text) {
        return with(s().with(
                        s().idleLongerThan(),
                        s().runningLongerThan(),
                        s().states(),
                        s().users(),
                        s().databases(),
                        s().applications(),
                        text));
    }

    /**
     * The most sessions to end (default 20); more matching is refused, not clamped.
     *
     * @throws IllegalArgumentException if below 1
     */
    public TerminateSessions maxSessions(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, was " + n);
        }
        return new TerminateSessions(sql, selection, n, cancelQueryOnly);
    }

    /** Cancels the running statement instead of ending the session ({@code pg_cancel_backend}, {@code KILL QUERY}). */
    public TerminateSessions cancelQueryOnly() {
        return new TerminateSessions(sql, selection, maxSessions, true);
    }

    /**
     * Every parameter apply uses.
     *
     * @param selection which sessions
     * @param maxSessions the budget
     * @param cancelQueryOnly cancel the statement rather than end the session
     */
    public record Params(SessionSelection selection, int maxSessions, boolean cancelQueryOnly) {}

    @Override
    public Params parameters() {
        return new Params(selection, maxSessions, cancelQueryOnly);
    }

    /**
     * What the plan observed: the sessions to end, by identity (the server's start, which apply also
     * compares, is in the plan's details as {@code serverStartedEpoch}, and on MariaDB/MySQL the connection
     * counter as {@code serverConnections}).
     *
     * @param server the server
     * @param sessions the sessions to end ({@code id@start})
     */
    public record Victims(String server, List<String> sessions) {}

    @Override
    public String type() {
        return "sql.terminateSessions";
    }

    @Override
    public String target() {
        return sql.name() + " sessions " + selection;
    }

    private List<Session> matching(List<Session> all) {
        return all.stream()
                .filter(x -> x.isClient() && !x.self() && !"runbook-sql".equals(x.application()))
                .filter(selection::matches)
                .toList();
    }

    private String verb() {
        Dialect d = sql.dialect();
        if (d.isPostgres()) {
            return cancelQueryOnly ? "pg_cancel_backend" : "pg_terminate_backend";
        }
        return cancelQueryOnly ? "KILL QUERY" : "KILL CONNECTION";
    }

    /** MariaDB/MySQL: the connections made since the server started ({@code Connections}); null on PostgreSQL. */
    private static Long connectionsSinceStart(java.sql.Connection c, Dialect d) throws java.sql.SQLException {
        return d.isPostgres()
                ? null
                : Long.parseLong(
                        SqlTarget.scalar(
                                c,
                                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'CONNECTIONS'"));
    }

    private long serverStartEpoch(java.sql.Connection c, Dialect d) throws java.sql.SQLException {
        if (d.isPostgres()) {
            return Math.round(
                    Double.parseDouble(SqlTarget.scalar(c, "SELECT extract(epoch FROM pg_postmaster_start_time())")));
        }
        return Long.parseLong(
                SqlTarget.scalar(
                        c,
                        "SELECT UNIX_TIMESTAMP() - VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'"));
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        if (selection.isEmpty()) {
            throw new RefusedException("terminateSessions on " + sql.name() + " has no criterion and would match every"
                    + " session; give at least one: .idleLongerThan(..), .runningLongerThan(..), .state(..), .user(..),"
                    + " .database(..), .application(..) or .queryContains(..)");
        }
        Dialect d = sql.dialect();
        Object[] read = sql.call("read the sessions", c ->
                new Object[] {serverStartEpoch(c, d), Sessions.read(d, c), connectionsSinceStart(c, d)});
        long started = (Long) read[0];
        @SuppressWarnings("unchecked")
        List<Session> victims = matching((List<Session>) read[1]);
        Victims before = new Victims(
                sql.name(), victims.stream().map(Session::identity).sorted().toList());
        @SuppressWarnings("unchecked")
        List<Session> unseen = ((List<Session>) read[1])
                .stream()
                        .filter(x -> x.isHidden() && selection.mightMatchHidden(x))
                        .toList();
        if (!unseen.isEmpty()) {
            throw new RefusedException("the user of " + sql.name() + " cannot see the state, times and query of "
                    + unseen.size() + " session(s) of other users that may match " + selection + " (e.g. "
                    + unseen.get(0) + "): pg_stat_activity hides them without pg_read_all_stats, so the"
                    + " selection cannot be checked; GRANT pg_read_all_stats, pg_signal_backend TO that user"
                    + " (to see and end them), or connect as a user who has them");
        }
        if (victims.isEmpty()) {
            return StepPlan.unchanged(this, "no session on " + sql.name() + " matches " + selection, before);
        }
        if (victims.size() > maxSessions) {
            throw new RefusedException(victims.size() + " sessions on " + sql.name() + " match " + selection
                    + ", more than maxSessions " + maxSessions + " (e.g. "
                    + victims.subList(0, Math.min(3, victims.size()))
                    + "); narrow the selection or raise .maxSessions(" + victims.size() + ") and plan again");
        }
        List<String> lines = victims.stream().map(Session::toString).toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sessions", lines);
        details.put("statement", statementFor(d, victims));
        details.put("serverStartedEpoch", started);
        if (read[2] != null) {
            details.put("serverConnections", read[2]);
        }
        return StepPlan.builder(this)
                .summary((cancelQueryOnly ? "cancel the statements of " : "terminate ") + victims.size() + " session"
                        + (victims.size() == 1 ? "" : "s") + " on " + sql.name() + " (" + selection + "): "
                        + String.join("; ", lines.subList(0, Math.min(5, lines.size())))
                        + (lines.size() > 5 ? "; ... " + (lines.size() - 5) + " more" : ""))
                .before(before)
                .after(new Victims(sql.name(), List.of()))
                .blastRadius("sessions", victims.size())
                .details(details)
                .build();
    }

    private String statementFor(Dialect d, List<Session> victims) {
        if (d.isPostgres()) {
            List<String> pairs = new ArrayList<>();
            victims.forEach(v -> pairs.add("(" + v.id() + ", '" + v.started() + "')"));
            return "SELECT pid, " + verb() + "(pid) FROM pg_stat_activity WHERE (pid, backend_start::text) IN ("
                    + String.join(", ", pairs) + ")";
        }
        List<String> kills = new ArrayList<>();
        victims.forEach(v -> kills.add(verb() + " " + v.id()));
        return String.join("; ", kills);
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Victims planned = plan.before(Victims.class);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Dialect d = sql.dialect();
        Object[] read = sql.call("read the sessions", c ->
                new Object[] {serverStartEpoch(c, d), Sessions.read(d, c), connectionsSinceStart(c, d)});
        long startedNow = (Long) read[0];
        long startedThen = plan.details().get("serverStartedEpoch").asLong();
        // MariaDB/MySQL give their start to the second only (UNIX_TIMESTAMP() - Uptime): a restart within 2 s
        // of the previous start is told by the connection counter, which starts again from 0
        boolean countedBack = read[2] != null
                && plan.details().has("serverConnections")
                && (Long) read[2] < plan.details().get("serverConnections").asLong();
        if (Math.abs(startedNow - startedThen) > (d.isPostgres() ? 0 : 2) || countedBack) {
            throw new StalePlanException(sql.name() + " restarted since the plan (started at epoch " + startedThen
                    + ", now " + startedNow + "): its sessions are new ones; plan again");
        }
        @SuppressWarnings("unchecked")
        List<Session> now = (List<Session>) read[1];
        Map<Long, Session> byId = new LinkedHashMap<>();
        now.forEach(x -> byId.put(x.id(), x));
        List<ItemOutcome> items = new ArrayList<>();
        List<Session> toEnd = new ArrayList<>();
        int gone = 0;
        int reused = 0;
        int noLongerMatching = 0;
        for (String identity : planned.sessions()) {
            long id = Long.parseLong(identity.substring(0, identity.indexOf('@')));
            Session cur = byId.get(id);
            if (cur == null) {
                gone++;
                items.add(new ItemOutcome(identity, Outcome.UNCHANGED, "ended before apply"));
            } else if (!cur.identity().equals(identity)) {
                reused++;
                items.add(new ItemOutcome(
                        identity,
                        Outcome.SKIPPED,
                        "id " + id + " now belongs to another session (" + cur.identity() + "): left alone"));
            } else if (!selection.matches(cur) || cur.self()) {
                noLongerMatching++;
                items.add(new ItemOutcome(
                        identity, Outcome.SKIPPED, "no longer matches " + selection + " (" + cur + "): left alone"));
            } else {
                toEnd.add(cur);
            }
        }
        Set<Long> ended = new HashSet<>();
        Map<Long, String> denied = new java.util.TreeMap<>();
        if (!toEnd.isEmpty()) {
            sql.call(verb() + " " + toEnd.size() + " sessions", c -> {
                if (d.isPostgres()) {
                    for (Map<String, Object> r : SqlTarget.rows(c, statementFor(d, toEnd))) {
                        if (Boolean.TRUE.equals(r.get(verb()))) {
                            ended.add(((Number) r.get("pid")).longValue());
                        }
                    }
                } else {
                    for (Session v : toEnd) {
                        try {
                            SqlTarget.execute(c, verb() + " " + v.id());
                            ended.add(v.id());
                        } catch (java.sql.SQLException e) {
                            if (e.getErrorCode() == 1095) { // not owner: another user's session, no privilege
                                denied.put(v.id(), e.getMessage());
                            } else if (e.getErrorCode() != 1094) { // 1094: unknown thread id, it ended meanwhile
                                throw e;
                            }
                        }
                    }
                }
                return null;
            });
            if (!cancelQueryOnly) {
                awaitGone(ended, ctx);
            }
        }
        String grant = "GRANT CONNECTION ADMIN ON *.* TO the user of " + sql.name()
                + " (SUPER before MariaDB 10.5.2, CONNECTION_ADMIN on MySQL 8) or connect as one who has it";
        for (Session v : toEnd) {
            if (denied.containsKey(v.id())) {
                items.add(new ItemOutcome(
                        v.identity(), Outcome.FAILED, "not ended: " + denied.get(v.id()) + " (" + v + "); " + grant));
                continue;
            }
            items.add(new ItemOutcome(
                    v.identity(),
                    ended.contains(v.id()) ? Outcome.CHANGED : Outcome.UNCHANGED,
                    ended.contains(v.id()) ? v.toString() : "ended before the statement reached it"));
        }
        String summary = (cancelQueryOnly ? "cancelled the statements of " : "terminated ") + ended.size() + " of "
                + planned.sessions().size() + " planned sessions on " + sql.name()
                + (gone > 0 ? ", " + gone + " had ended" : "")
                + (reused > 0 ? ", " + reused + " ids reused by new sessions (left alone)" : "")
                + (noLongerMatching > 0 ? ", " + noLongerMatching + " no longer matched (left alone)" : "");
        if (!denied.isEmpty()) {
            summary += "; " + denied.size() + " of other users could not be ended (ids " + denied.keySet()
                    + ", server: not owner): " + grant;
        }
        ApplyResult.Builder out = !denied.isEmpty()
                ? ApplyResult.of(Outcome.FAILED, summary)
                : ended.isEmpty() ? ApplyResult.unchanged(summary) : ApplyResult.changed(summary);
        return out.count("sessions", ended.size())
                .items(items)
                .details(Map.of("statement", statementFor(d, toEnd.isEmpty() ? List.of() : toEnd)))
                .build();
    }

    private void awaitGone(Set<Long> ids, ActionContext ctx) {
        long deadline = System.nanoTime() + WAIT_GONE.toNanos();
        while (System.nanoTime() < deadline) {
            Set<Long> left = new TreeSet<>(ids);
            left.retainAll(Sessions.read(sql).stream().map(Session::id).toList());
            if (left.isEmpty()) {
                return;
            }
            ctx.sleeper().sleep(Duration.ofMillis(20));
        }
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Set<String> planned = new HashSet<>(plan.before(Victims.class).sessions());
        List<Session> still = Sessions.read(sql).stream()
                .filter(x -> planned.contains(x.identity()) && selection.matches(x))
                .toList();
        if (cancelQueryOnly) {
            still = still.stream().filter(Session::isActive).toList();
        }
        return still.isEmpty()
                ? Verification.passed("none of the " + planned.size() + " planned sessions is left on " + sql.name())
                : Verification.failed(
                        still.size() + " planned sessions are still there: " + still,
                        still.stream().map(Session::toString).toList());
    }

    @Override
    public String toString() {
        return "TerminateSessions[" + target() + ", maxSessions=" + maxSessions
                + (cancelQueryOnly ? ", cancel only" : "") + "]";
    }
}
