package dev.runbook.redis;

import dev.runbook.core.Probe;
import java.util.Locale;
import java.util.Map;

/**
 * A node's memory figures from {@code INFO memory} and {@code INFO stats}, as INC-004 reads them.
 *
 * <pre>{@code
 * Probes.waitUntil(redis.memory().map("ratio", MemoryInfo::ratio), Conditions.below(0.8), Duration.ofMinutes(5));
 * }</pre>
 *
 * @param usedBytes {@code used_memory}
 * @param maxBytes {@code maxmemory}, 0 when unlimited
 * @param ratio used / max, 0 when unlimited
 * @param policy {@code maxmemory_policy}
 * @param evictedKeys {@code evicted_keys}
 * @param keyspaceHits {@code keyspace_hits}
 * @param keyspaceMisses {@code keyspace_misses}
 */
public record MemoryInfo(
        long usedBytes,
        long maxBytes,
        double ratio,
        String policy,
        long evictedKeys,
        long keyspaceHits,
        long keyspaceMisses) {

    static Probe<MemoryInfo> probe(RedisTarget redis) {
        return Probe.of(
                redis.name() + " memory",
                redis.endpoint(),
                () -> redis.call("read INFO memory", () -> {
                    Map<String, String> i = RedisInfo.parse(
                            redis.sync().info("memory") + "\n" + redis.sync().info("stats"));
                    long used = RedisInfo.number(i, "used_memory");
                    long max = RedisInfo.number(i, "maxmemory");
                    return new MemoryInfo(
                            used,
                            max,
                            max == 0 ? 0 : (double) used / max,
                            i.getOrDefault("maxmemory_policy", "unknown"),
                            RedisInfo.number(i, "evicted_keys"),
                            RedisInfo.number(i, "keyspace_hits"),
                            RedisInfo.number(i, "keyspace_misses"));
                }));
    }

    /** Misses / (hits + misses), 0 with no lookups. */
    public double missRatio() {
        long all = keyspaceHits + keyspaceMisses;
        return all == 0 ? 0 : (double) keyspaceMisses / all;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "used %s of %s (%.0f%%), policy %s, evicted %,d, misses %,d (%.1f%%)",
                ScanDeleteDryRun.bytes(usedBytes),
                maxBytes == 0 ? "no maxmemory" : ScanDeleteDryRun.bytes(maxBytes),
                ratio * 100,
                policy,
                evictedKeys,
                keyspaceMisses,
                missRatio() * 100);
    }
}
