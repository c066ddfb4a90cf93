package dev.runbook.trino;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Kills Trino queries by id ({@code PUT /v1/query/{id}/killed} with a message), with a justification that
 * goes into the kill message, the plan and therefore the audit. The dry run lists each query with user,
 * source, state, elapsed time and its SQL abbreviated. Each query counts in the {@code queries} blast
 * radius, so a {@code Guards} budget caps how many one step kills. A query that finished before the kill
 * is UNCHANGED, not an error. No inverse: a killed query cannot be resumed; the plan says so.
 *
 * <pre>{@code
 * trino.killQuery("20251207_031500_00042_abcde", "INC-42: 40-minute scan starves the dashboards")
 * }</pre>
 */
public final class KillQuery implements Action {

    private final TrinoRest rest;
    private final List<String> queryIds;
    private final String justification;

    KillQuery(TrinoRest rest, List<String> queryIds, String justification) {
        this.rest = Objects.requireNonNull(rest, "rest");
        if (queryIds == null || queryIds.isEmpty()) {
            throw new IllegalArgumentException("name at least one query id, such as 20251207_031500_00042_abcde");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String id : queryIds) {
            if (id == null || !id.matches("[0-9]{8}_[0-9]{6}_[0-9]{5}_[a-z0-9]{5}")) {
                throw new IllegalArgumentException("'" + id + "' is not a Trino query id (such as"
                        + " 20251207_031500_00042_abcde, from trino.queuedQueries() or system.runtime.queries)");
            }
            ids.add(id);
        }
        if (justification == null || justification.isBlank()) {
            throw new IllegalArgumentException("give a justification (an incident id and why): it is the kill"
                    + " message the query's owner sees, and it goes into the audit");
        }
        this.queryIds = List.copyOf(ids);
        this.justification = justification.trim();
    }

    /** Every parameter apply uses. */
    public record Params(List<String> queryIds, String justification) {}

    /** What the plan observed: each query that can still be killed, by id, user and SQL. */
    record Observed(List<String> killable, List<String> done) {}

    @Override
    public Params parameters() {
        return new Params(queryIds, justification);
    }

    @Override
    public String type() {
        return "trino.killQuery";
    }

    @Override
    public String target() {
        return rest.target() + " queries " + queryIds;
    }

    @Override
    public Set<String> blastRadiusNames() {
        return Set.of("queries");
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        List<String> killable = new ArrayList<>();
        List<String> done = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (String id : queryIds) {
            TrinoQuery q = rest.query(id);
            if (q == null) {
                throw new RefusedException(rest.target() + " does not know query " + id + " (it may have been"
                        + " forgotten after query.max-history); list the current ones with trino.queuedQueries()");
            }
            (q.killable() ? killable : done).add(id);
            lines.add(q.line());
        }
        Observed before = new Observed(killable, done);
        if (killable.isEmpty()) {
            return StepPlan.unchanged(this, "every query already ended: " + lines, before);
        }
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary("kill " + killable.size() + " Trino quer" + (killable.size() == 1 ? "y" : "ies") + " ("
                        + justification + ")")
                .before(before)
                .after(new Observed(List.of(), queryIds))
                .blastRadius("queries", killable.size())
                .resources(killable)
                .warning("no inverse: a killed query cannot be resumed; its owner must run it again")
                .details(lines);
        if (!done.isEmpty()) {
            plan.warning("already ended, left alone: " + done);
        }
        return plan.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Observed planned = plan.before(Observed.class);
        String message = justification + " (runbook " + ctx.idempotencyKey() + ")";
        ApplyResult.Builder result;
        List<dev.runbook.core.ItemOutcome> items = new ArrayList<>();
        int killed = 0;
        for (String id : planned.killable()) {
            TrinoRest.KillAnswer a = rest.kill(id, message);
            if (a == TrinoRest.KillAnswer.ACCEPTED) {
                killed++;
                items.add(new dev.runbook.core.ItemOutcome(id, Outcome.CHANGED, "killed: " + message));
            } else {
                items.add(new dev.runbook.core.ItemOutcome(
                        id, Outcome.UNCHANGED, a == TrinoRest.KillAnswer.ALREADY_DONE ? "finished meanwhile" : "gone"));
            }
        }
        result = killed == 0
                ? ApplyResult.unchanged("every planned query ended before the kill")
                : ApplyResult.changed(
                        "killed " + killed + " Trino quer" + (killed == 1 ? "y" : "ies") + " (" + justification + ")");
        return result.count("queries", killed).items(items).build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        List<String> alive = new ArrayList<>();
        for (String id : queryIds) {
            TrinoQuery q = rest.query(id);
            if (q != null && q.killable()) {
                alive.add(id + " " + q.state());
            }
        }
        return alive.isEmpty()
                ? Verification.passed("every query has ended: " + queryIds)
                : Verification.failed("still running: " + alive);
    }

    @Override
    public String toString() {
        return "KillQuery[" + target() + ": " + justification + "]";
    }
}
