package dev.runbook.examples;

import static dev.runbook.core.Conditions.zero;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.redis.KeyspaceSample;
import dev.runbook.redis.MemoryInfo;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.ScanDeleteByPattern;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Seed runbook INC-004 "Redis OOM" as code: check that memory is above the alert threshold and which key
 * prefix fills it, delete {@code cache:wms:stock:*} with SCAN and UNLINK (never {@code session:*} or
 * {@code lock:*}), set {@code maxmemory-policy allkeys-lru}, wait until memory is below the resolve
 * threshold, verify no stock key is left, and tell the team.
 *
 * <pre>{@code
 * try (RedisActions redis = RedisActions.connect("redis://prod-redis.smp.local:6379")) {
 *     Runbook rb = RedisOom.runbook(redis);
 *     Plan plan = engine.plan(rb);
 * }
 * }</pre>
 *
 * <p>The flush comes before the policy change on purpose: switching to {@code allkeys-lru} while memory
 * is over {@code maxmemory} would make Redis evict any key at once, sessions included.
 */
public final class RedisOom {
    /** The seed's culprit: stock cache entries written without a TTL. */
    public static final String STOCK_PATTERN = "cache:wms:stock:*";

    /** The alert: {@code redis_memory_used_percent > 90}. */
    public static final double ALERT_RATIO = 0.9;

    /** Resolved when {@code used_memory_percent < 70}. */
    public static final double RESOLVED_RATIO = 0.7;

    private RedisOom() {}

    /** The runbook with the seed's thresholds (alert above 90%, resolved below 70%, 2 minutes to recover). */
    public static Runbook runbook(RedisActions redis) {
        return runbook(redis, ALERT_RATIO, RESOLVED_RATIO, Duration.ofMinutes(2));
    }

    /**
     * The runbook for the node {@code redis} is connected to.
     *
     * @param redis the node (or cluster) that is out of memory
     * @param alertRatio used/maxmemory above which the runbook applies, such as 0.9
     * @param resolvedRatio used/maxmemory below which the incident is resolved, such as 0.7
     * @param recoveryTimeout how long memory may take to fall below {@code resolvedRatio}
     * @throws IllegalArgumentException if the ratios are not 0 < resolved < alert
     */
    public static Runbook runbook(
            RedisActions redis, double alertRatio, double resolvedRatio, Duration recoveryTimeout) {
        if (!(resolvedRatio > 0 && resolvedRatio < alertRatio)) {
            throw new IllegalArgumentException(
                    "need 0 < resolvedRatio < alertRatio, was resolved " + resolvedRatio + ", alert " + alertRatio);
        }
        ScanDeleteByPattern flush = redis.scanDelete(STOCK_PATTERN)
                .protect("session:*", "lock:*") // also when the engine's guards do not protect them
                .rate(100_000);
        Probe<Long> stockKeys = Probe.of(
                redis.name() + " unprotected keys matching '" + STOCK_PATTERN + "' (SCAN, read-only)",
                () -> flush.sampleSize(0)
                        .plan(ActionContext.standalone())
                        .before(ScanDeleteByPattern.Observed.class)
                        .matching());
        Probe<Histogram> prefixes = redis.keyspaceSample(1000)
                .map(
                        redis.name() + " keys per prefix in a SCAN sample of 1,000" + " (awk -F: | sort | uniq -c)",
                        Histogram::of);
        return Runbook.builder("INC-004", "Redis OOM")
                .severity(Severity.SEV2)
                .service("redis")
                .link("seeds/000 INC-004: Detect, Triage, Mitigate (options A and C), Communicate, Resolve")
                .precheck(
                        "memory is above " + percent(alertRatio) + " of maxmemory",
                        redis.memory(),
                        ratio("used/maxmemory > " + percent(alertRatio), r -> r > alertRatio))
                .precheck(
                        "cache is the biggest key prefix",
                        prefixes,
                        Condition.of("has 'cache' as its biggest prefix", h -> h.top()
                                .equals("cache")))
                .step("delete the stock cache keys", flush)
                .step("set maxmemory-policy allkeys-lru", redis.setConfig("maxmemory-policy", "allkeys-lru"))
                .waitUntil(
                        "memory is below " + percent(resolvedRatio),
                        redis.memory(),
                        ratio("used/maxmemory < " + percent(resolvedRatio), r -> r < resolvedRatio),
                        recoveryTimeout)
                .verify("no stock cache key is left", stockKeys, zero())
                .manual(
                        "tell the team",
                        "Post in #infra-alerts that Redis memory is back under " + percent(resolvedRatio)
                                + "; show affected users the in-app 'Vui lòng đăng nhập lại'; file the root cause:"
                                + " cache:wms:stock:* entries are written without their 30 s TTL")
                .build();
    }

    private static Condition<MemoryInfo> ratio(String description, java.util.function.DoublePredicate test) {
        return Condition.of(description, m -> m.maxBytes() > 0 && test.test(m.ratio()));
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    /**
     * The seed's prefix histogram of a {@link KeyspaceSample}, on one line for the plan table.
     *
     * @param sample the sample it summarises
     */
    public record Histogram(KeyspaceSample sample) {
        static Histogram of(KeyspaceSample sample) {
            return new Histogram(sample);
        }

        /** The prefix with the most sampled keys, or "" for an empty keyspace. */
        public String top() {
            return sample.prefixes().isEmpty() ? "" : sample.prefixes().get(0).prefix();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d of %,d keys: ", sample.sampled(), sample.dbsize())
                    + sample.prefixes().stream()
                            .map(p -> String.format(Locale.ROOT, "%,d %s", p.keys(), p.prefix()))
                            .collect(Collectors.joining(", "));
        }
    }
}
