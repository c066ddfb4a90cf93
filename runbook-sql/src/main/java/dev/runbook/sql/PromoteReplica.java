package dev.runbook.sql;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Promotes a replica to primary the way Patroni's switchover and orchestrator's graceful takeover do, with
 * no acknowledged write lost: in planned mode it fences the old primary first (PostgreSQL {@code
 * default_transaction_read_only} and its other client sessions terminated; MariaDB/MySQL {@code read_only}
 * / {@code super_read_only} and its client connections killed), records the old primary's final position,
 * waits until the candidate applied exactly that, then promotes ({@code pg_promote}; {@code STOP REPLICA;
 * RESET REPLICA ALL; SET GLOBAL read_only = OFF}). If anything fails after fencing and before the promotion,
 * the old primary is unfenced and the error says so. On a server that already is a primary it does nothing.
 *
 * <pre>{@code
 * var promote = standby.promoteReplica().maxLagBytes(16 << 20).afterPromote("repoint pgbouncer", p -> reroute(p));
 * StepPlan plan = promote.plan(ctx);      // positions, lag, fencing steps, the exact statements
 * promote.apply(plan, ctx);               // fence, wait, promote; the old primary's last LSN in the details
 * }</pre>
 *
 * <p>Throws {@link RefusedException} from {@link #plan} or {@link #apply} for each failing precondition
 *     (not a replica, replication stopped or paused, lag over the limit, errant GTIDs, the old primary
 *     unreachable without {@link #unplanned(String, long)}, or reachable with it), and {@link
 *     TargetUnavailableException} when a server stops answering
 */
public final class PromoteReplica implements Action {
    private final SqlTarget candidate;
    private final SqlTarget oldPrimary;
    private final PromotionSettings settings;
    private final Map<String, Hook> hooks;

    PromoteReplica(SqlTarget candidate, SqlTarget oldPrimary, PromotionSettings settings) {
        this(candidate, oldPrimary, settings, Map.of());
    }

    private PromoteReplica(
            SqlTarget candidate, SqlTarget oldPrimary, PromotionSettings settings, Map<String, Hook> hooks) {
        this.candidate = candidate;
        this.oldPrimary = oldPrimary;
        this.settings = settings;
        this.hooks = Map.copyOf(hooks);
    }

    /**
     * A caller's step in the promotion: routing (DNS, proxy, service), pausing a scheduler, or an HA manager
     * doing the switch. It gets the candidate, the old primary and the final position.
     */
    @FunctionalInterface
    public interface Hook {
        void run(Stage stage) throws Exception;
    }

    /**
     * What a hook is told.
     *
     * @param candidate the server being promoted
     * @param oldPrimary the old primary
     * @param finalPosition the old primary's final position (null before it is known, or for an HA manager)
     */
    public record Stage(String candidate, String oldPrimary, String finalPosition) {}

    /**
     * Both servers' roles as the plan records them (positions move all the time and are in the details).
     *
     * @param candidate the replica to promote
     * @param candidateRole {@code replica} or {@code primary}
     * @param source what it replicates from
     * @param timeline its PostgreSQL timeline (null elsewhere)
     * @param oldPrimary the old primary
     * @param oldPrimaryRole e.g. {@code primary timeline 1}, {@code unreachable}
     * @param oldPrimaryState {@code writable}, {@code read-only} or {@code unreachable}
     * @param identity PostgreSQL system identifier or the candidate's server_id
     * @param mode planned or unplanned
     */
    public record Roles(
            String candidate,
            String candidateRole,
            String source,
            Long timeline,
            String oldPrimary,
            String oldPrimaryRole,
            String oldPrimaryState,
            String identity,
            String mode) {}

    private PromoteReplica with(PromotionSettings s) {
        return new PromoteReplica(candidate, oldPrimary, s, hooks);
    }

    /** The most bytes the candidate may lag before fencing (default 16 MiB); see {@link PromotionSettings}. */
    public PromoteReplica maxLagBytes(long bytes) {
        return with(settings.withMaxLagBytes(bytes));
    }

    /** How long the old primary may stay fenced while the candidate catches up (default 10 s). */
    public PromoteReplica catchUpTimeout(Duration d) {
        return with(settings.withTimeouts(d, settings.fenceTimeout(), settings.promoteTimeout()));
    }

    /** How long fencing may take (default 5 s). */
    public PromoteReplica fenceTimeout(Duration d) {
        return with(settings.withTimeouts(settings.catchUpTimeout(), d, settings.promoteTimeout()));
    }

    /** How long the promotion itself may take (default 30 s). */
    public PromoteReplica promoteTimeout(Duration d) {
        return with(settings.withTimeouts(settings.catchUpTimeout(), settings.fenceTimeout(), d));
    }

    /**
     * Promotes although the old primary is unreachable, accepting the loss of whatever it acknowledged that
     * the candidate never received; {@code maxLagBytes} bounds what the candidate received but has not
     * applied. Refused while the old primary answers.
     *
     * @throws IllegalArgumentException for a blank reason or a negative limit
     */
    public PromoteReplica unplanned(String acceptDataLossBecause, long maxLagBytes) {
        return with(settings.unplanned(acceptDataLossBecause, maxLagBytes));
    }

    /** A statement run in a rolled-back transaction on the new primary to prove it takes writes. */
    public PromoteReplica writeProbe(String statement) {
        return with(settings.withWriteProbe(statement));
    }

    /** A hook run after fencing and catch-up, before the promotion; if it fails the old primary is unfenced. */
    public PromoteReplica beforePromote(String name, Hook hook) {
        return hook("beforePromote", name, hook);
    }

    /** A hook run after the promotion, for routing (DNS, proxy, service); a failure is reported, not undone. */
    public PromoteReplica afterPromote(String name, Hook hook) {
        return hook("afterPromote", name, hook);
    }

    /**
     * Lets an HA manager do the switch (Patroni's {@code /switchover}, orchestrator's graceful takeover):
     * the preconditions are checked, then the hook runs instead of the fencing and promotion, and apply
     * waits until the candidate is a primary.
     */
    public PromoteReplica viaHaManager(String name, Hook hook) {
        return hook("haManager", name, hook);
    }

    private PromoteReplica hook(String stage, String name, Hook hook) {
        if (name == null || name.isBlank() || hook == null) {
            throw new IllegalArgumentException("a " + stage + " hook needs a name and a body");
        }
        if (stage.equals("haManager") && settings.hooks().stream().anyMatch(h -> h.startsWith("haManager:"))) {
            throw new IllegalArgumentException("only one HA manager hook");
        }
        Map<String, Hook> more = new LinkedHashMap<>(hooks);
        more.put(stage + ":" + name, hook);
        return new PromoteReplica(candidate, oldPrimary, settings.withHook(stage + ":" + name), more);
    }

    /**
     * Every parameter apply uses.
     *
     * @param oldPrimary the old primary given, or null when it is found from the replication status
     * @param settings mode, limits, timeouts and hook names
     */
    public record Params(String oldPrimary, PromotionSettings settings) {}

    @Override
    public Params parameters() {
        return new Params(oldPrimary == null ? null : oldPrimary.name(), settings);
    }

    @Override
    public String type() {
        return "sql.promoteReplica";
    }

    @Override
    public String target() {
        return candidate.name() + " role";
    }

    private SqlTarget old() {
        if (oldPrimary != null) {
            return oldPrimary;
        }
        ReplicationStatus s = Replication.status(candidate);
        if (!s.isReplica() || s.source() == null) {
            return null;
        }
        int colon = s.source().lastIndexOf(':');
        return candidate.peer(
                s.source().substring(0, colon), Integer.parseInt(s.source().substring(colon + 1)), "the old primary");
    }

    private Promotion promotion() {
        return Promotion.of(candidate, old(), settings);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Promotion p = promotion();
        Promotion.Facts f = p.observe();
        if (!f.status().isReplica()) {
            return StepPlan.unchanged(this, candidate.name() + " is already a primary", f.roles());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("candidatePosition", f.status().appliedPosition());
        details.put("oldPrimaryPosition", f.oldPosition());
        details.put("lagBytes", f.lagBytes());
        if (f.lagTransactions() != null) {
            details.put("lagTransactions", f.lagTransactions());
        }
        if (f.status().timeline() != null) {
            details.put("timeline", f.status().timeline());
        }
        if (f.status().executedGtids() != null) {
            details.put("candidateGtids", f.status().executedGtids());
        }
        details.put("statements", f.statements());
        details.put("hooks", settings.hooks());
        String window = settings.planned()
                ? "writes are refused from fencing until the promotion: expected well under a second at this lag, at"
                        + " most fence " + settings.fenceTimeout().toMillis() + " ms + catch-up "
                        + settings.catchUpTimeout().toMillis() + " ms + promotion "
                        + settings.promoteTimeout().toMillis() + " ms"
                : "no writes are possible until the promotion ends (the old primary is gone)";
        details.put("writeUnavailableWindow", window);
        StepPlan.Builder b = StepPlan.builder(this)
                .summary((settings.planned() ? "planned" : "UNPLANNED") + " promotion of " + candidate.name()
                        + " (replica of "
                        + f.roles().source() + ", " + f.lagBytes() + " bytes behind"
                        + (f.status().timeline() == null
                                ? ""
                                : ", timeline " + f.status().timeline()) + ")"
                        + (settings.planned()
                                ? ": fence " + f.roles().oldPrimary() + ", wait for its final position, promote"
                                : ""))
                .before(f.roles())
                .after(new Roles(
                        candidate.name(),
                        "primary",
                        null,
                        f.status().timeline() == null ? null : f.status().timeline() + 1,
                        f.roles().oldPrimary(),
                        settings.planned() ? "fenced" : "unreachable",
                        settings.planned() ? "read-only" : "unreachable",
                        f.roles().identity(),
                        f.roles().mode()))
                .blastRadius("servers", settings.planned() ? 2 : 1)
                .details(details)
                .warning(
                        "clients still point at " + f.roles().oldPrimary() + ": repoint them (an afterPromote hook or a"
                                + " later step); the old primary stays read-only and must be rebuilt or rewound (pg_rewind) as a"
                                + " replica, never simply made writable");
        f.warnings().forEach(b::warning);
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Promotion p = promotion();
        Promotion.Facts f = p.observe();
        if (plan.isNoop() && !f.status().isReplica()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(f.roles());
        String oldName = f.roles().oldPrimary();
        long start = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<>();
        String haManager = settings.hooks().stream()
                .filter(h -> h.startsWith("haManager:"))
                .findFirst()
                .orElse(null);
        if (haManager != null) {
            runHook(haManager, new Stage(candidate.name(), oldName, null));
            if (!Promotion.poll(settings.promoteTimeout(), () -> !Replication.status(candidate)
                    .isReplica())) {
                throw new TargetUnavailableException(
                        "HA manager hook '" + haManager + "' ran, but " + candidate.name()
                                + " is still a replica after "
                                + settings.promoteTimeout().toMillis() + " ms; check the HA manager",
                        null,
                        true);
            }
        } else if (settings.planned()) {
            String finalPosition;
            boolean fenced = false;
            try {
                fenced = true;
                p.fence();
                finalPosition = p.finalPosition();
                details.put("oldPrimaryFinalPosition", finalPosition);
                p.awaitApplied(finalPosition);
                for (String h : settings.hooks()) {
                    if (h.startsWith("beforePromote:")) {
                        runHook(h, new Stage(candidate.name(), oldName, finalPosition));
                    }
                }
            } catch (RunbookException e) {
                throw Promotion.extend(e, fenced ? unfence(p, oldName) : "nothing was changed");
            } catch (RuntimeException e) {
                throw Promotion.extend(new RefusedException(String.valueOf(e.getMessage()), e), unfence(p, oldName));
            }
            try {
                p.promote();
            } catch (RunbookException e) {
                throw Promotion.extend(
                        e,
                        "the promotion was started, so " + oldName + " is left fenced (read-only) at "
                                + finalPosition + " to avoid two primaries: check " + candidate.name()
                                + "; if it did not promote,"
                                + " make " + oldName + " writable again with " + p.unfenceStatements());
            }
        } else {
            p.awaitReceivedApplied();
            p.promote();
            details.put("lastReceivedPosition", f.oldPosition());
            details.put("dataLossAccepted", settings.dataLossReason());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Object> after = p.candidateState();
        details.put("candidate", after);
        details.put("writeProbe", p.writeProbe());
        details.put("timelineBefore", f.status().timeline());
        details.put("fenceToPromotedMillis", millis);
        details.put(
                "oldPrimary",
                oldName
                        + (settings.planned() && haManager == null
                                ? " left fenced (read-only): rebuild" + " it as a replica of " + candidate.name()
                                        + " (PostgreSQL: pg_rewind, then standby.signal)"
                                : ""));
        Outcome outcome = Outcome.CHANGED;
        String routing = "";
        for (String h : settings.hooks()) {
            if (h.startsWith("afterPromote:")) {
                try {
                    runHook(h, new Stage(candidate.name(), oldName, (String) details.get("oldPrimaryFinalPosition")));
                } catch (RuntimeException e) {
                    outcome = Outcome.FAILED;
                    routing = "; hook '" + h + "' failed (" + e.getMessage()
                            + "): the promotion stands, repoint clients by hand";
                }
            }
        }
        return ApplyResult.of(
                        outcome,
                        "promoted " + candidate.name() + " in " + millis + " ms"
                                + (details.containsKey("oldPrimaryFinalPosition")
                                        ? " after it applied " + oldName + "'s final position "
                                                + details.get("oldPrimaryFinalPosition")
                                        : "")
                                + routing)
                .count("servers", settings.planned() ? 2 : 1)
                .details(details)
                .build();
    }

    private String unfence(Promotion p, String oldName) {
        try {
            p.unfence();
            return "the old primary " + oldName + " was unfenced and takes writes again; nothing was promoted";
        } catch (RuntimeException u) {
            return "the old primary " + oldName + " could NOT be unfenced (" + u.getMessage() + "): it may still refuse"
                    + " writes; run " + p.unfenceStatements() + " on it. Nothing was promoted";
        }
    }

    private void runHook(String name, Stage stage) {
        Hook h = hooks.get(name);
        try {
            h.run(stage);
        } catch (RunbookException e) {
            throw e;
        } catch (Exception e) {
            throw new RefusedException("hook '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Promotion p = Promotion.of(candidate, null, settings);
        ReplicationStatus st = Replication.status(candidate);
        if (st.isReplica()) {
            return Verification.failed(candidate.name() + " is still a replica of " + st.source(), st);
        }
        try {
            String probe = p.writeProbe();
            Roles before = plan.before(Roles.class);
            if (before.timeline() != null && st.timeline() != null && st.timeline() != before.timeline() + 1) {
                return Verification.failed(
                        candidate.name() + " is on timeline " + st.timeline() + ", expected " + (before.timeline() + 1),
                        st);
            }
            return Verification.passed(
                    candidate.name() + " is a primary" + (st.timeline() == null ? "" : " on timeline " + st.timeline())
                            + " and takes writes (" + probe + ")",
                    st);
        } catch (RunbookException e) {
            return Verification.failed(
                    candidate.name() + " is a primary but refused the write probe: " + e.getMessage(), st);
        }
    }

    /** Not reversible: re-pointing the new primary would discard what it accepted since. */
    @Override
    public String toString() {
        return "PromoteReplica[" + candidate.name() + (oldPrimary == null ? "" : " from " + oldPrimary.name()) + ", "
                + (settings.planned() ? "planned" : "unplanned") + ", maxLagBytes=" + settings.maxLagBytes() + "]";
    }

    List<String> hookNames() {
        return settings.hooks();
    }
}
