package dev.runbook.examples;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Locale;
import java.util.Map;

/**
 * What a Redis server holds, read from it: keys per group (the key without its last {@code :} segment,
 * from a SCAN of every key), {@code maxmemory-policy}, and memory used against {@code maxmemory}.
 *
 * <pre>{@code
 * RedisState s = scenario.state();
 * s.count("session"); // 2000
 * }</pre>
 *
 * @param groups keys per group, such as {@code session} or {@code cache:wms:stock}
 * @param policy {@code maxmemory-policy}
 * @param usedBytes {@code used_memory}
 * @param maxBytes {@code maxmemory}
 */
public record RedisState(Map<String, Long> groups, String policy, long usedBytes, long maxBytes) {
    public RedisState {
        groups = Map.copyOf(groups);
    }

    /** Keys in {@code group} ({@code session} counts {@code session:*} keys with no further colon). */
    public long count(String group) {
        return groups.getOrDefault(group, 0L);
    }

    /** Every key. */
    public long keys() {
        return groups.values().stream().mapToLong(Long::longValue).sum();
    }

    /** used / maxmemory, 0 without a limit. */
    public double ratio() {
        return maxBytes == 0 ? 0 : (double) usedBytes / maxBytes;
    }

    static RedisState read(StatefulRedisConnection<String, String> c) {
        String info = c.sync().info("memory");
        return new RedisState(
                RedisOomScenario.scanGroups(c),
                c.sync().configGet("maxmemory-policy").get("maxmemory-policy"),
                field(info, "used_memory"),
                field(info, "maxmemory"));
    }

    static long usedMemory(StatefulRedisConnection<String, String> c) {
        return field(c.sync().info("memory"), "used_memory");
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n", -1)) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no " + name + ": " + info);
    }

    /** The groups largest first, such as {@code cache:wms:stock:* 200,000, order:* 3,000}. */
    public String describeGroups() {
        return groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> String.format(Locale.ROOT, "%s:* %,d", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%,d keys %s, policy %s, used %s of %s",
                keys(),
                new java.util.TreeMap<>(groups),
                policy,
                mb(usedBytes),
                mb(maxBytes));
    }
}
