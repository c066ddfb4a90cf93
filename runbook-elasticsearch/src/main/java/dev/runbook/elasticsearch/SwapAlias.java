package dev.runbook.elasticsearch;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Points an alias at another index in one atomic {@code POST _aliases} call (every remove and the add
 * together, each remove with {@code must_exist}), so that readers and writers never see the alias
 * missing or on two indices. The plan records the alias table as it was; the inverse restores it.
 *
 * <pre>{@code
 * var swap = es.swapAlias("orders", "orders-v2").from("orders-v1");   // from: optional expectation
 * StepPlan plan = swap.plan(ctx);   // "move alias orders from orders-v1 (write) to orders-v2 (write)"
 * swap.apply(plan, ctx);
 * swap.inverse(plan).get();         // puts orders back on orders-v1
 * }</pre>
 *
 * <p>The new index gets the alias's properties from the index it leaves (its write flag, filter and
 * routing; from the write index when the alias spans several). Refused when planning: an alias name
 * that is an index, a target index that is missing, closed or red (searches through the alias would
 * fail), or an alias that does not point where {@link #from(String...)} says. Apply re-reads the table
 * and throws {@link StalePlanException} if it moved.
 */
public final class SwapAlias implements Action {
    static final String TYPE = "elasticsearch.swapAlias";

    private final EsTarget es;
    private final Params p;

    private SwapAlias(EsTarget es, Params p) {
        this.es = es;
        this.p = p;
    }

    static SwapAlias of(EsTarget es, Params p) {
        return new SwapAlias(es, p);
    }

    static SwapAlias to(EsTarget es, String alias, String index) {
        return new SwapAlias(es, new Params(alias, index, null, null));
    }

    /** Refuses to plan unless the alias points exactly to these indices now (a check for the reviewer). */
    public SwapAlias from(String... indices) {
        if (p.index() == null) {
            throw new IllegalStateException("an inverse restores a recorded table; from(...) does not apply");
        }
        return new SwapAlias(
                es,
                new Params(
                        p.alias(), p.index(), List.of(indices).stream().sorted().toList(), null));
    }

    @Override
    public Params parameters() {
        return p;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String target() {
        return es.name() + " alias '" + p.alias() + "'";
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Names.requireName(p.alias(), "alias");
        List<AliasEntry> current = AliasTable.read(es, p.alias());
        IndexListing sameName = IndexListing.read(es, p.alias());
        if (sameName.indices().stream().anyMatch(i -> i.name().equals(p.alias()))) {
            throw new RefusedException("'" + p.alias() + "' on " + es.name() + " is an index, not an alias; an alias"
                    + " cannot take its name (reindex it into a new index and delete it first)");
        }
        if (p.from() != null) {
            List<String> now = current.stream().map(AliasEntry::index).toList();
            if (!now.equals(p.from())) {
                throw new RefusedException("alias '" + p.alias() + "' on " + es.name() + " points to " + now + ", not "
                        + p.from() + " as .from(...) expects; check what it serves and plan again");
            }
        }
        List<AliasEntry> desired = desired(current);
        for (AliasEntry d : desired) {
            requireServable(d.index());
        }
        Observed observed = new Observed(p.alias(), current);
        if (current.equals(desired)) {
            return StepPlan.unchanged(
                    this,
                    "alias '" + p.alias() + "' already points to " + AliasTable.describe(current) + " on " + es.name(),
                    observed);
        }
        return StepPlan.builder(this)
                .summary("move alias '" + p.alias() + "' on " + es.name() + " from " + AliasTable.describe(current)
                        + " to " + AliasTable.describe(desired) + " in one atomic _aliases call")
                .before(observed)
                .after(new Observed(p.alias(), desired))
                .blastRadius("aliases", 1)
                .resource(p.alias())
                .resources(desired.stream().map(AliasEntry::index).toList())
                .build();
    }

    private List<AliasEntry> desired(List<AliasEntry> current) {
        if (p.restore() != null) {
            return p.restore();
        }
        Names.requireName(p.index(), "index");
        AliasEntry model = current.stream()
                .filter(e -> Boolean.TRUE.equals(e.isWriteIndex()))
                .findFirst()
                .orElse(current.size() == 1 ? current.get(0) : null);
        AliasEntry target =
                model == null ? new AliasEntry(p.index(), null, null, null, null, null) : model.on(p.index());
        return List.of(target);
    }

    private void requireServable(String index) {
        IndexListing l = IndexListing.read(es, index);
        IndexInfo i = l.indices().stream()
                .filter(x -> x.name().equals(index))
                .findFirst()
                .orElseThrow(() -> new RefusedException("index '" + index + "' does not exist on " + es.name()
                        + "; create it (with its mapping) before pointing alias '" + p.alias() + "' at it"));
        if (!"open".equals(i.status())) {
            throw new RefusedException("index '" + index + "' on " + es.name() + " is closed; open it before pointing"
                    + " alias '" + p.alias() + "' at it");
        }
        if ("red".equals(i.health())) {
            throw new RefusedException("index '" + index + "' on " + es.name() + " is red (a primary shard is"
                    + " unassigned): searches through alias '" + p.alias() + "' would fail; fix its allocation"
                    + " (GET _cluster/allocation/explain) first");
        }
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (!plan.actionType().equals(TYPE) || !plan.target().equals(target())) {
            throw new IllegalArgumentException(
                    "this plan is for " + plan.actionType() + " on " + plan.target() + ", not " + target());
        }
        Observed planned = plan.before(Observed.class);
        List<AliasEntry> now = AliasTable.read(es, p.alias());
        if (!now.equals(planned.table())) {
            throw new StalePlanException("alias '" + p.alias() + "' on " + es.name() + " changed since the plan: it"
                    + " pointed to " + AliasTable.describe(planned.table()) + ", now " + AliasTable.describe(now)
                    + "; nothing was changed: plan again and review the new plan");
        }
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        List<AliasEntry> desired = plan.after(Observed.class).table();
        var actions = AliasTable.actions(p.alias(), now, desired);
        try {
            es.callRaw("update alias '" + p.alias() + "'", c -> c.indices().updateAliases(u -> u.actions(actions)));
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            throw new StalePlanException("the atomic _aliases call for '" + p.alias() + "' on " + es.name()
                    + " was refused (" + EsTarget.reason(e) + "), so nothing changed: the alias or an index moved"
                    + " since the plan; plan again");
        }
        return ApplyResult.changed("alias '" + p.alias() + "' on " + es.name() + " now points to "
                        + AliasTable.describe(desired) + " (was " + AliasTable.describe(now) + ")")
                .count("actions", actions.size())
                .details(Map.of("before", now, "after", desired))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        List<AliasEntry> want = plan.after(Observed.class).table();
        List<AliasEntry> now = AliasTable.read(es, p.alias());
        return now.equals(want)
                ? Verification.passed("alias '" + p.alias() + "' points to " + AliasTable.describe(now), now)
                : Verification.failed(
                        "alias '" + p.alias() + "' points to " + AliasTable.describe(now) + ", not "
                                + AliasTable.describe(want),
                        now);
    }

    /** Restores the alias table the plan recorded (or removes the alias if it did not exist). */
    @Override
    public Optional<dev.runbook.core.Action> inverse(StepPlan plan) {
        List<AliasEntry> before = new ArrayList<>(plan.before(Observed.class).table());
        return Optional.of(new SwapAlias(es, new Params(p.alias(), null, null, before)));
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public String toString() {
        return "SwapAlias[" + target() + ", " + p + "]";
    }

    /**
     * The parameters: the alias, and either the index to move it to (with an optional expectation of
     * where it points now) or, for an inverse, the whole table to restore.
     *
     * @param alias the alias
     * @param index the index it moves to, or {@code null} for an inverse
     * @param from the indices it must point to when planning, or {@code null}
     * @param restore the table an inverse restores, or {@code null}
     */
    public record Params(String alias, String index, List<String> from, List<AliasEntry> restore) {}

    /**
     * An alias table.
     *
     * @param alias the alias
     * @param table each index it points to, with the alias's properties there, sorted by index
     */
    public record Observed(String alias, List<AliasEntry> table) {}
}
