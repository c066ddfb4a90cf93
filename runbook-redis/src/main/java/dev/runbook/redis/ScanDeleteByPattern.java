package dev.runbook.redis;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plural;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Throttle;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Deletes the keys matching a pattern the safe way: {@code SCAN MATCH} (never {@code KEYS}) on every
 * node that holds keys, then {@code UNLINK} in pipelined batches on a dedicated connection, at a chosen
 * rate, never touching protected keys, and never more keys than the reviewed plan allows.
 *
 * <pre>{@code
 * var redis = RedisActions.connect("redis://127.0.0.1:6379");
 * var flush = redis.scanDelete("cache:wms:stock:*").rate(50_000).maxKeys(2_000_000);
 * StepPlan plan = flush.plan(ctx);          // exact count, samples, histograms, memory freed
 * ApplyResult done = flush.apply(plan, ctx);
 * }</pre>
 *
 * <p><b>When the world moved.</b> The plan records each node's identity (run id, role) and the exact
 * number of matching, unprotected keys; apply may delete at most that number plus {@link
 * #allowGrowth(long)} (the plan's {@code keys} blast radius). Apply first re-reads the nodes: a node that
 * restarted, failed over or left the cluster makes it throw {@link StalePlanException} with nothing
 * deleted. It then counts as it goes: if keys created after the plan would take it past the limit, it
 * stops there, leaves them, and reports a {@link Outcome#FAILED} result naming how many were left; it
 * never deletes more than planned ({@link #recountFirst()} refuses such a grown set before deleting
 * anything, at the price of a second scan). Fewer keys than planned (they expired or were deleted
 * meanwhile) is fine. Running again (plan, apply) finishes the job; a second apply with nothing left
 * reports {@link Outcome#UNCHANGED}.
 *
 * <p><b>How it deletes.</b> On a standalone server each step is one short Lua script (SCAN one COUNT's
 * worth, skip protected keys, UNLINK the rest, return the counts): the keys never cross the network and
 * no step holds the server longer than one SCAN plus its UNLINK. In a cluster, or where scripts are not
 * allowed, the client scans and sends pipelined UNLINK batches (per hash slot) on a dedicated connection.
 * Under {@link #rate(double)} each step is at most two milliseconds' worth of keys at that rate.
 *
 * <p>Memory stays bounded: keys are streamed batch by batch (one {@code SCAN COUNT} batch, a sample of
 * {@link #sampleSize(int)} keys for the dry run), never collected.
 *
 * <p>Throws {@link dev.runbook.core.RefusedException} from {@link #plan} for an empty, match-everything or
 *     short-prefix pattern, a replica, or more keys than {@link #maxKeys(long)}
 */
public final class ScanDeleteByPattern implements Action {
    static final String TYPE = "redis.scanDeleteByPattern";

    private final RedisTarget redis;
    private final ScanDeleteSettings s;

    ScanDeleteByPattern(RedisTarget redis, ScanDeleteSettings settings) {
        this.redis = redis;
        this.s = settings;
    }

    /**
     * Keys per SCAN call while deleting ({@code COUNT}, default 1000; fewer under a rate limit); one UNLINK
     * per batch. The read-only counting passes (plan, re-count, verify) use ten times this, up to 10,000.
     */
    public ScanDeleteByPattern count(int count) {
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("SCAN COUNT must be 1..100000, was " + count);
        }
        return new ScanDeleteByPattern(redis, s.withCount(count));
    }

    /** Only keys of this Redis type ({@code string}, {@code hash}, {@code list}, ...): {@code SCAN TYPE}. */
    public ScanDeleteByPattern type(String keyType) {
        return new ScanDeleteByPattern(redis, s.withType(keyType));
    }

    /** Uses blocking {@code DEL} instead of {@code UNLINK} (only when the server lacks UNLINK). */
    public ScanDeleteByPattern useDel() {
        return new ScanDeleteByPattern(redis, s.withDel(true));
    }

    /** The shortest literal prefix accepted before the first wildcard (default 4). */
    public ScanDeleteByPattern minPrefix(int chars) {
        if (chars < 0) {
            throw new IllegalArgumentException("minPrefix must be >= 0, was " + chars);
        }
        return new ScanDeleteByPattern(redis, s.withMinPrefix(chars));
    }

    /** Accepts a pattern whose literal prefix is shorter than {@link #minPrefix(int)}. */
    public ScanDeleteByPattern allowShortPrefix() {
        return new ScanDeleteByPattern(redis, s.withAllowShort(true));
    }

    /** More globs ({@code session:*}) whose keys are never deleted, on top of the context's guards. */
    public ScanDeleteByPattern protect(String... globs) {
        return new ScanDeleteByPattern(redis, s.withProtect(globs));
    }

    /** Refuses to plan when more keys than this match (default 1,000,000). */
    public ScanDeleteByPattern maxKeys(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, was " + max);
        }
        return new ScanDeleteByPattern(redis, s.withMaxKeys(max));
    }

    /** How many keys created after the plan apply may also delete (default 0). */
    public ScanDeleteByPattern allowGrowth(long keys) {
        if (keys < 0) {
            throw new IllegalArgumentException("allowGrowth must be >= 0, was " + keys);
        }
        return new ScanDeleteByPattern(redis, s.withAllowGrowth(keys));
    }

    /** Deletes at most this many keys per second, through the context's throttle (default: unthrottled). */
    public ScanDeleteByPattern rate(double keysPerSecond) {
        if (!(keysPerSecond > 0) || Double.isInfinite(keysPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of keys/s, was " + keysPerSecond);
        }
        return new ScanDeleteByPattern(redis, s.withRate(keysPerSecond));
    }

    /** How many matching keys the dry run inspects for types, TTLs and memory (default 1000). */
    public ScanDeleteByPattern sampleSize(int keys) {
        if (keys < 0 || keys > 100_000) {
            throw new IllegalArgumentException("sampleSize must be 0..100000, was " + keys);
        }
        return new ScanDeleteByPattern(redis, s.withSampleSize(keys));
    }

    /**
     * Counts again, read-only, before deleting anything, and refuses with {@link StalePlanException} when
     * more keys match than the plan allows: a grown set is then refused up front with nothing deleted,
     * instead of found while deleting (where apply stops at the limit and reports the rest). The price is
     * a second full SCAN: about half as much server work again.
     */
    public ScanDeleteByPattern recountFirst() {
        return new ScanDeleteByPattern(redis, s.withRecountFirst(true));
    }

    /** The settings, as the plan records them. */
    public ScanDeleteSettings settings() {
        return s;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String target() {
        return redis.name() + " keys '" + s.pattern() + "'" + (s.type() == null ? "" : " of type " + s.type());
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(redis.endpoint());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("keys");
    }

    /** Every setting, bound into plans: a runbook rebuilt with other settings is refused at apply. */
    @Override
    public ScanDeleteSettings parameters() {
        return s;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        KeyPatterns.checkDeletePattern(s.pattern(), s.minPrefix(), s.allowShortPrefix());
        List<Pattern> prot = protectedPatterns(ctx);
        RedisTarget.Nodes<String> nodes = redis.nodes();
        List<NodeState> states = NodeState.readAll(redis, nodes);
        ScanDeleteEngine.Count count = count(nodes, ctx, prot, s.sampleSize());
        Observed observed = new Observed(s.pattern(), states, count.matching(), count.protectedMatched());
        List<String> warnings = new ArrayList<>(KeyPatterns.deletePatternWarnings(s.pattern()));
        // the whole sample (up to sampleSize keys), not the 20 shown: a protect glob's near-misses are often
        // a few keys among many
        warnings.addAll(KeyPatterns.protectWarnings(protectedGlobs(ctx), count.allSampleKeys()));
        if (count.matching() == 0) {
            StepPlan.Builder none = StepPlan.builder(this);
            warnings.forEach(none::warning);
            return none.change(Change.NONE)
                    .summary("unchanged: no unprotected key matches '" + s.pattern() + "' on " + redis.name()
                            + (count.protectedMatched() > 0
                                    ? " ("
                                            + Plural.of(
                                                    count.protectedMatched(),
                                                    "protected key matches and is",
                                                    "protected keys match and are")
                                            + " kept)"
                                    : ""))
                    .before(observed)
                    .after(new Intended(0, 0))
                    .details(ScanDeleteEngine.dryRun(redis, nodes, s, count))
                    .build();
        }
        if (count.matching() > s.maxKeys()) {
            throw new dev.runbook.core.RefusedException(String.format(
                    Locale.ROOT,
                    "pattern '%s' matches %s on %s, more than maxKeys %,d; narrow the pattern, or raise the"
                            + " limit with .maxKeys(%d) after reviewing the sample %s",
                    s.pattern(),
                    Plural.of(count.matching(), "key"),
                    redis.name(),
                    s.maxKeys(),
                    count.matching(),
                    count.sampleKeys().stream().limit(5).toList()));
        }
        long cap = Math.min(s.maxKeys(), count.matching() + s.allowGrowth());
        ScanDeleteDryRun dry = ScanDeleteEngine.dryRun(redis, nodes, s, count);
        StepPlan.Builder b = StepPlan.builder(this)
                .summary(String.format(
                        Locale.ROOT,
                        "%s %s matching '%s' on %s (~%s freed%s)",
                        s.del() ? "DEL" : "UNLINK",
                        Plural.of(count.matching(), "key"),
                        s.pattern(),
                        redis.name(),
                        ScanDeleteDryRun.bytes(dry.estimatedBytes()),
                        s.rate() > 0
                                ? String.format(
                                        Locale.ROOT, ", at %,d keys/s, ~%s", (long) s.rate(), dry.estimatedDuration())
                                : ""))
                .before(observed)
                .after(new Intended(cap, 0))
                .blastRadius("keys", cap)
                .resources(count.sampleKeys().stream().limit(20).toList())
                .details(dry);
        warnings.forEach(b::warning);
        if (s.rate() > 0) {
            b.rate("keys/s", s.rate());
        } else {
            b.warning("no rate limit: deletes run as fast as the server answers; on a busy primary set"
                    + " .rate(keysPerSecond)");
        }
        if (count.protectedMatched() > 0) {
            b.warning(Plural.of(count.protectedMatched(), "matching key is", "matching keys are")
                    + " protected and will be kept, e.g. " + count.protectedSample());
        }
        if (dry.expiringAnyway() > 0) {
            b.warning("about " + dry.expiringAnyway() + " of the keys have a TTL and would expire anyway");
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
        long cap = plan.after(Intended.class).maxDeletes();
        List<Pattern> prot = protectedPatterns(ctx);
        Throttle throttle = s.rate() > 0 ? ctx.throttle(TYPE, s.rate()) : Throttle.unlimited();
        RedisTarget.Nodes<String> nodes = redis.nodes();
        List<NodeState> now;
        try {
            now = NodeState.readAll(redis, nodes);
        } catch (dev.runbook.core.RefusedException e) {
            throw new StalePlanException("the plan was made on primaries " + planned.nodes() + ", but " + e.getMessage()
                    + " (a failover since the plan?); nothing was deleted: plan again");
        }
        if (!now.equals(planned.nodes())) {
            throw new StalePlanException(redis.name() + " is not the server the plan saw: planned on " + planned.nodes()
                    + ", now " + now + " (restart or failover); plan again");
        }
        long recounted = s.recountFirst() ? count(nodes, ctx, prot, 0).matching() : 0;
        if (recounted > cap) {
            throw new StalePlanException(String.format(
                    Locale.ROOT,
                    "%s '%s' on %s now; the plan counted %,d and allows at most %,d: the set grew"
                            + " since the plan (is an application writing them?). Nothing was deleted; plan"
                            + " again, or accept growth with .allowGrowth(n)",
                    Plural.of(recounted, "key matches", "keys match"),
                    s.pattern(),
                    redis.name(),
                    planned.matching(),
                    cap));
        }
        ScanDeleteEngine.Deletion d = ScanDeleteEngine.delete(redis, s, prot, protectedGlobs(ctx), cap, throttle, ctx);
        ApplyResult.Builder r;
        if (d.leftAtCap() > 0) {
            r = ApplyResult.of(
                    Outcome.FAILED,
                    String.format(
                            Locale.ROOT,
                            "stopped at the plan's limit of %,d keys: deleted %,d matching '%s', and left %,d"
                                    + " more that appeared during apply; plan again to review and delete them",
                            cap,
                            d.deleted(),
                            s.pattern(),
                            d.leftAtCap()));
        } else if (d.deleted() == 0) {
            r = ApplyResult.unchanged("no key matching '" + s.pattern() + "' was left to delete on " + redis.name());
        } else {
            r = ApplyResult.changed(String.format(
                    Locale.ROOT,
                    "%s %s matching '%s' on %s in %,d ms",
                    s.del() ? "deleted" : "unlinked",
                    Plural.of(d.deleted(), "key"),
                    s.pattern(),
                    redis.name(),
                    d.millis()));
        }
        return r.count("deleted", d.deleted())
                .count("sent", d.sent())
                .count("vanished", d.sent() - d.deleted())
                .count("protectedKept", d.protectedKept())
                .count("leftAtCap", d.leftAtCap())
                .details(Map.of("millis", d.millis(), "protectedKept", d.protectedKept()))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ScanDeleteEngine.Count c = count(redis.nodes(), ctx, protectedPatterns(ctx), 10);
        if (c.matching() == 0) {
            return Verification.passed(
                    "no unprotected key matches '" + s.pattern() + "' on " + redis.name()
                            + (c.protectedMatched() > 0
                                    ? " (" + Plural.of(c.protectedMatched(), "protected key") + " kept)"
                                    : ""),
                    Map.of("matching", 0, "protectedMatched", c.protectedMatched()));
        }
        return Verification.failed(
                String.format(
                        Locale.ROOT,
                        "%s '%s' on %s after apply (created since, or left at the plan's limit), e.g. %s",
                        Plural.of(c.matching(), "key matches", "keys match"),
                        s.pattern(),
                        redis.name(),
                        c.sampleKeys()),
                Map.of("matching", c.matching(), "sample", c.sampleKeys()));
    }

    private List<Pattern> protectedPatterns(ActionContext ctx) {
        return KeyPatterns.compile(protectedGlobs(ctx));
    }

    private List<String> protectedGlobs(ActionContext ctx) {
        List<String> globs = new ArrayList<>(ctx.guards().protectedPatterns());
        globs.addAll(s.protect());
        return globs;
    }

    /**
     * Counts and samples without writing: by script where the server allows it (only the sample crosses
     * the wire), else by SCAN.
     */
    private ScanDeleteEngine.Count count(
            RedisTarget.Nodes<String> nodes, ActionContext ctx, List<Pattern> prot, int sampleSize) {
        return ScriptCount.scan(redis, nodes, s, protectedGlobs(ctx), sampleSize)
                .orElseGet(() -> ScanDeleteEngine.count(redis, nodes, s, prot, sampleSize));
    }

    @Override
    public String toString() {
        return "ScanDeleteByPattern[" + target() + ", " + s + "]";
    }

    /**
     * What the plan observed.
     *
     * @param pattern the MATCH pattern
     * @param nodes each node's identity and role
     * @param matching unprotected keys that match
     * @param protectedMatched protected keys that match (kept)
     */
    public record Observed(String pattern, List<NodeState> nodes, long matching, long protectedMatched) {}

    /**
     * What apply may do.
     *
     * @param maxDeletes the most keys apply deletes
     * @param matchingAfter unprotected matching keys expected afterwards
     */
    public record Intended(long maxDeletes, long matchingAfter) {}
}
