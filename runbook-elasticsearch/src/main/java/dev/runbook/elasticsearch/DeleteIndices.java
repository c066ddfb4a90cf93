package dev.runbook.elasticsearch;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Deletes the indices a pattern matches, the safe way: the pattern is resolved to concrete names (the
 * resolve-index API, hidden indices included so that they can be shown and kept), and only those names
 * are sent, in chunks that keep each request line short; a wildcard is never sent, so a cluster with
 * {@code action.destructive_requires_name} accepts it and an index created after the review is never
 * swept up.
 *
 * <pre>{@code
 * var cleanup = es.deleteIndices("orders-2025-*").minAge(Duration.ofDays(30)).maxIndices(50);
 * StepPlan plan = cleanup.plan(ctx);              // every index, with why any is kept
 * System.out.println(plan.details(DeleteIndicesDryRun.class));
 * ApplyResult done = cleanup.apply(plan, ctx);    // exactly the reviewed names, or StalePlanException
 * }</pre>
 *
 * <p><b>Kept unless opted in:</b> system indices, data streams' backing indices, hidden indices, indices
 * that are an alias's write index, indices with aliases, indices newer than {@link #minAge(Duration)}
 * (default one day, by the context's clock), and names matching the context's protected guards or
 * {@link #protect(String...)}. The plan lists each with the reason and the option that includes it.
 *
 * <p><b>Budgets:</b> {@link #maxIndices(long)} (default 500) and {@link #maxBytes(long)}; over either,
 * planning is refused (never clamped). The plan's blast radius ({@code indices}, {@code bytes}) also
 * meets the engine's guards.
 *
 * <p><b>When the world moved:</b> apply re-reads the pattern first. A planned index that was recreated
 * (new uuid) or whose aliases, attributes or status changed makes apply throw {@link
 * StalePlanException} with nothing deleted. A planned index already gone is counted as vanished; an index
 * that appeared after the plan is left alone (the result says so).
 *
 * <p><b>Partial failure:</b> one DELETE of several names is all or nothing in Elasticsearch (one missing
 * name is a 404, one read-only index a 403, and nothing in that request is deleted). A refused request
 * is split in halves and retried down to single names: the others are still deleted, the missing one
 * counts as vanished, and a refused one is reported (outcome {@link Outcome#FAILED}) with the server's
 * reason. Running again plans only the indices left.
 */
public final class DeleteIndices implements Action {
    static final String TYPE = "elasticsearch.deleteIndices";

    private final EsTarget es;
    private final DeleteSettings s;

    DeleteIndices(EsTarget es, DeleteSettings settings) {
        this.es = es;
        this.s = settings;
    }

    /** Keeps indices created less than {@code age} ago, by the context's clock (default one day). */
    public DeleteIndices minAge(Duration age) {
        if (age == null || age.isNegative()) {
            throw new IllegalArgumentException("minAge must be zero or positive, was " + age);
        }
        return new DeleteIndices(es, s.withMinAge(age));
    }

    /** Refuses to plan when more than {@code max} indices would be deleted (default 500). */
    public DeleteIndices maxIndices(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxIndices must be >= 1, was " + max);
        }
        return new DeleteIndices(es, s.withMaxIndices(max));
    }

    /**
     * Refuses to plan when the indices to delete hold more than {@code max} bytes, replicas included. A
     * closed or red index reports no size: with a byte budget set, planning to delete one is refused too
     * (its size cannot be checked against the budget).
     */
    public DeleteIndices maxBytes(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + max);
        }
        return new DeleteIndices(es, s.withMaxBytes(max));
    }

    /** Deletes hidden indices too (still not system or data-stream ones). */
    public DeleteIndices includeHidden() {
        return new DeleteIndices(
                es,
                s.withInclude(
                        true,
                        s.includeSystem(),
                        s.includeDataStreamIndices(),
                        s.includeAliased(),
                        s.includeWriteIndices()));
    }

    /** Deletes system indices too (Elasticsearch may still refuse some). */
    public DeleteIndices includeSystem() {
        return new DeleteIndices(
                es,
                s.withInclude(
                        s.includeHidden(),
                        true,
                        s.includeDataStreamIndices(),
                        s.includeAliased(),
                        s.includeWriteIndices()));
    }

    /** Deletes data streams' backing indices too; each stream's write index is kept (Elasticsearch refuses it). */
    public DeleteIndices includeDataStreamIndices() {
        return new DeleteIndices(
                es,
                s.withInclude(s.includeHidden(), s.includeSystem(), true, s.includeAliased(), s.includeWriteIndices()));
    }

    /** Deletes indices that aliases point to (their aliases go with them), but not write indices. */
    public DeleteIndices includeAliased() {
        return new DeleteIndices(
                es,
                s.withInclude(
                        s.includeHidden(),
                        s.includeSystem(),
                        s.includeDataStreamIndices(),
                        true,
                        s.includeWriteIndices()));
    }

    /**
     * Deletes indices that are an alias's write index too (writes through that alias then fail); an index
     * that other aliases also point to needs {@link #includeAliased()} as well.
     */
    public DeleteIndices includeWriteIndices() {
        return new DeleteIndices(
                es,
                s.withInclude(
                        s.includeHidden(), s.includeSystem(), s.includeDataStreamIndices(), s.includeAliased(), true));
    }

    /** More globs ({@code orders-2025-12*}) whose indices are never deleted, on top of the context's guards. */
    public DeleteIndices protect(String... globs) {
        return new DeleteIndices(es, s.withProtect(globs));
    }

    /** The settings, as the plan records them. */
    public DeleteSettings settings() {
        return s;
    }

    @Override
    public DeleteSettings parameters() {
        return s;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String target() {
        return es.name() + " indices '" + s.pattern() + "'";
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Names.checkPattern(s.pattern());
        IndexListing listing = IndexListing.read(es, s.pattern());
        Set<String> streamWrites = s.includeDataStreamIndices()
                ? IndexListing.dataStreamWriteIndices(
                        es,
                        listing.indices().stream()
                                .map(IndexInfo::dataStream)
                                .filter(java.util.Objects::nonNull)
                                .toList())
                : Set.of();
        Exclusions rules = new Exclusions(s, protectedGlobs(ctx), ctx.clock().instant(), streamWrites);
        List<DeleteIndicesDryRun.Entry> entries = new ArrayList<>();
        List<IndexInfo> doomed = new ArrayList<>();
        for (IndexInfo i : listing.indices()) {
            String why = rules.reason(i);
            entries.add(new DeleteIndicesDryRun.Entry(i, why));
            if (why == null) {
                doomed.add(i);
            }
        }
        long bytes = doomed.stream()
                .mapToLong(i -> i.bytes() == null ? 0 : i.bytes())
                .sum();
        long docs =
                doomed.stream().mapToLong(i -> i.docs() == null ? 0 : i.docs()).sum();
        List<String> names = doomed.stream().map(IndexInfo::name).toList();
        names.forEach(Names::requireConcrete);
        int requests = Names.chunks(names, Names.MAX_PATH_BYTES).size();
        DeleteIndicesDryRun dry = new DeleteIndicesDryRun(
                s.pattern(), entries, doomed.size(), entries.size() - doomed.size(), bytes, docs, requests);
        Observed observed = new Observed(
                s.pattern(), doomed.stream().map(IndexInfo::identity).toList());
        if (doomed.isEmpty()) {
            String other = listing.indices().isEmpty() ? IndexListing.notIndices(es, s.pattern()) : "";
            String reason = listing.indices().isEmpty()
                    ? "no index matches '" + s.pattern() + "' on " + es.name() + " (hidden and closed ones included)"
                            + (other.isEmpty() ? "" : "; " + other)
                    : "all " + entries.size() + " indices matching '" + s.pattern() + "' are kept: "
                            + dry.keptSummary();
            return StepPlan.builder(this)
                    .change(Change.NONE)
                    .summary("unchanged: " + reason)
                    .before(observed)
                    .after(new Intended(0))
                    .details(dry)
                    .build();
        }
        if (doomed.size() > s.maxIndices()) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "'%s' would delete %,d indices on %s, more than maxIndices %,d; narrow the pattern, or raise"
                            + " the budget with .maxIndices(%d) after reviewing the list (first: %s)",
                    s.pattern(),
                    doomed.size(),
                    es.name(),
                    s.maxIndices(),
                    doomed.size(),
                    names.subList(0, Math.min(5, names.size()))));
        }
        if (bytes > s.maxBytes()) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "'%s' would delete %,d indices holding %s (%,d bytes) on %s, more than maxBytes %,d; narrow"
                            + " the pattern, or raise the budget with .maxBytes(%d) after reviewing the list",
                    s.pattern(),
                    doomed.size(),
                    IndexTable.bytes(bytes),
                    bytes,
                    es.name(),
                    s.maxBytes(),
                    bytes));
        }
        List<IndexInfo> unsized = doomed.stream().filter(i -> i.bytes() == null).toList();
        String unsizedList = unsized.stream()
                        .limit(5)
                        .map(i -> i.name() + " (" + ("close".equals(i.status()) ? "closed" : "health " + i.health())
                                + ")")
                        .collect(Collectors.joining(", "))
                + (unsized.size() > 5 ? ", ..." : "");
        if (!unsized.isEmpty() && s.maxBytes() != Long.MAX_VALUE) {
            String first = unsized.get(0).name();
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "'%s' would delete %,d indices on %s, and the size of %,d %s is unknown (%s), so maxBytes %,d"
                            + " cannot be checked (a closed or red index reports no size, and is not empty); open"
                            + " a closed one to see its size (POST %s/_open), keep them with .protect(\"%s\"), or"
                            + " plan without .maxBytes(...) after reviewing the list",
                    s.pattern(),
                    doomed.size(),
                    es.name(),
                    unsized.size(),
                    unsized.size() == 1 ? "index" : "indices",
                    unsizedList,
                    s.maxBytes(),
                    first,
                    first));
        }
        StepPlan.Builder b = StepPlan.builder(this)
                .summary(String.format(
                        Locale.ROOT,
                        "delete %,d indices matching '%s' on %s (%s, %,d docs%s) in %d request%s by name%s",
                        doomed.size(),
                        s.pattern(),
                        es.name(),
                        IndexTable.bytes(bytes),
                        docs,
                        unsized.isEmpty() ? "" : "; size unknown for " + unsized.size() + ": " + unsizedList,
                        requests,
                        requests == 1 ? "" : "s",
                        dry.excluded() > 0 ? "; " + dry.excluded() + " matching indices are kept" : ""))
                .before(observed)
                .after(new Intended(doomed.size()))
                .blastRadius("indices", doomed.size())
                .blastRadius("bytes", bytes)
                .resources(names)
                .details(dry);
        if (dry.excluded() > 0) {
            b.warning("kept: " + dry.keptSummary());
        }
        ClusterHealth health = ClusterHealth.read(es);
        if (!health.primariesActive()) {
            b.warning("the cluster is red (" + health.unassignedPrimaryShards() + " unassigned primaries"
                    + (health.redIndices().isEmpty() ? "" : " in " + health.redIndices())
                    + "); deleting indices still works and may be the fix, but check the red indices first");
        }
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (!plan.actionType().equals(TYPE) || !plan.target().equals(target())) {
            throw new IllegalArgumentException(
                    "this plan is for " + plan.actionType() + " on " + plan.target() + ", not " + target());
        }
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Observed planned = plan.before(Observed.class);
        IndexListing now = IndexListing.read(es, s.pattern());
        Map<String, IndexInfo> current = new HashMap<>();
        now.indices().forEach(i -> current.put(i.name(), i));
        List<String> moved = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (IndexInfo.Identity p : planned.indices()) {
            IndexInfo c = current.get(p.name());
            if (c == null) {
                gone.add(p.name());
            } else if (!c.identity().equals(p)) {
                moved.add(p.changeTo(c.identity()));
            } else {
                present.add(p.name());
            }
        }
        if (!moved.isEmpty()) {
            throw new StalePlanException(moved.size() + " of the "
                    + planned.indices().size()
                    + " indices in the plan changed since it was made: "
                    + String.join("; ", moved.subList(0, Math.min(5, moved.size())))
                    + (moved.size() > 5 ? "; ..." : "") + ". Nothing was deleted; plan again and review the new plan");
        }
        Set<String> reviewed = plan.details(DeleteIndicesDryRun.class).indices().stream()
                .map(e -> e.index().name())
                .collect(Collectors.toSet());
        List<String> appeared = now.indices().stream()
                .map(IndexInfo::name)
                .filter(n -> !reviewed.contains(n))
                .toList();
        IndexDeleter.Result r = IndexDeleter.delete(es, present, ctx);
        List<String> vanished = new ArrayList<>(gone);
        vanished.addAll(r.vanished());
        ApplyResult.Builder out;
        if (!r.failed().isEmpty()) {
            Map.Entry<String, String> first = r.failed().entrySet().iterator().next();
            out = ApplyResult.of(
                    Outcome.FAILED,
                    String.format(
                            Locale.ROOT,
                            "deleted %,d of %,d indices matching '%s' on %s; %,d refused, e.g. %s: %s. Fix that"
                                    + " (a read-only block: PUT %s/_settings {\"index.blocks.read_only\": null}) and"
                                    + " plan again: the new plan lists only the indices left",
                            r.deleted().size(),
                            planned.indices().size(),
                            s.pattern(),
                            es.name(),
                            r.failed().size(),
                            first.getKey(),
                            first.getValue(),
                            first.getKey()));
            r.failed().forEach((name, why) -> out.item(name, Outcome.FAILED, why));
        } else if (r.deleted().isEmpty()) {
            out = ApplyResult.unchanged("every planned index matching '" + s.pattern() + "' was already gone");
        } else {
            out = ApplyResult.changed(String.format(
                    Locale.ROOT,
                    "deleted %,d indices matching '%s' on %s in %d request%s%s%s",
                    r.deleted().size(),
                    s.pattern(),
                    es.name(),
                    r.requests(),
                    r.requests() == 1 ? "" : "s",
                    vanished.isEmpty() ? "" : "; " + vanished.size() + " were already gone",
                    appeared.isEmpty()
                            ? ""
                            : "; " + appeared.size() + (appeared.size() == 1 ? " index" : " indices")
                                    + " matching the pattern appeared since the plan and "
                                    + (appeared.size() == 1 ? "was" : "were") + " left: "
                                    + appeared.subList(0, Math.min(5, appeared.size()))));
        }
        vanished.forEach(v -> out.item(v, Outcome.UNCHANGED, "already gone"));
        return out.count("deleted", r.deleted().size())
                .count("vanished", vanished.size())
                .count("failed", r.failed().size())
                .count("requests", r.requests())
                .count("appeared", appeared.size())
                .details(Map.of("deleted", r.deleted(), "failed", r.failed()))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Observed planned = plan.before(Observed.class);
        if (planned.indices().isEmpty()) {
            return Verification.passed("nothing was planned for '" + s.pattern() + "'");
        }
        Map<String, String> uuids = new HashMap<>();
        IndexListing.read(es, s.pattern()).indices().forEach(i -> uuids.put(i.name(), i.uuid()));
        List<String> left = planned.indices().stream()
                .filter(p -> p.uuid() != null && p.uuid().equals(uuids.get(p.name())))
                .map(IndexInfo.Identity::name)
                .toList();
        if (left.isEmpty()) {
            return Verification.passed(
                    "none of the " + planned.indices().size() + " planned indices matching '" + s.pattern()
                            + "' exists any more on " + es.name(),
                    Map.of("left", 0));
        }
        return Verification.failed(
                left.size() + " of the " + planned.indices().size() + " planned indices still exist on " + es.name()
                        + ": " + left.subList(0, Math.min(10, left.size())) + "; plan again to delete them",
                Map.of("left", left));
    }

    private List<String> protectedGlobs(ActionContext ctx) {
        Guards g = ctx.guards();
        List<String> globs = new ArrayList<>(g.protectedPatterns());
        globs.addAll(s.protect());
        return globs;
    }

    @Override
    public String toString() {
        return "DeleteIndices[" + target() + ", " + s + "]";
    }

    /**
     * What the plan observed: the identity of each index it will delete.
     *
     * @param pattern the pattern
     * @param indices the indices to delete, by name, uuid, aliases and attributes
     */
    public record Observed(String pattern, List<IndexInfo.Identity> indices) {}

    /**
     * What apply may do.
     *
     * @param maxDeletes the most indices apply deletes
     */
    public record Intended(long maxDeletes) {}
}
