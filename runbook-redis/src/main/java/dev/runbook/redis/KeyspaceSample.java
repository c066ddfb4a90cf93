package dev.runbook.redis;

import dev.runbook.core.Probe;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sample of the keyspace: keys per prefix (the seed's {@code redis-cli --scan | awk -F: '{print $1}' |
 * sort | uniq -c | sort -rn}), memory per prefix, and the biggest sampled keys (like {@code --memkeys}).
 *
 * <pre>{@code
 * System.out.println(redis.keyspaceSample(1000).read());
 * }</pre>
 *
 * @param sampled keys inspected
 * @param dbsize keys on the node(s)
 * @param prefixes per prefix (up to the first separator), most keys first
 * @param biggest the biggest sampled keys, largest first
 */
public record KeyspaceSample(long sampled, long dbsize, List<PrefixStat> prefixes, List<BigKey> biggest) {

    public KeyspaceSample {
        prefixes = List.copyOf(prefixes);
        biggest = List.copyOf(biggest);
    }

    /**
     * One prefix's share of the sample.
     *
     * @param prefix the text before the first separator
     * @param keys sampled keys with it
     * @param bytes their {@code MEMORY USAGE} sum
     */
    public record PrefixStat(String prefix, long keys, long bytes) {}

    /**
     * One big key.
     *
     * @param key the key
     * @param type its type
     * @param bytes its {@code MEMORY USAGE}
     */
    public record BigKey(String key, String type, long bytes) {}

    static Probe<KeyspaceSample> probe(RedisTarget redis, int keys, String separator, int top) {
        if (keys < 1) {
            throw new IllegalArgumentException("sample size must be >= 1, was " + keys);
        }
        return Probe.of(
                redis.name() + " keyspace sample of " + keys,
                redis.endpoint(),
                () -> redis.call("sample keys", () -> read(redis, keys, separator, top)));
    }

    private static KeyspaceSample read(RedisTarget redis, int keys, String separator, int top) {
        Map<String, long[]> byPrefix = new HashMap<>();
        List<BigKey> all = new ArrayList<>();
        long dbsize = 0;
        int sampled = 0;
        for (RedisTarget.Node<String> node : redis.nodes().list()) {
            dbsize += node.connection().sync().dbsize();
            KeyScan<String> scan = new KeyScan<>(node.connection(), "*", 1000, null);
            List<String> batch = new ArrayList<>();
            while (!scan.finished() && sampled + batch.size() < keys) {
                for (String k : scan.next()) {
                    if (sampled + batch.size() < keys) {
                        batch.add(k);
                    }
                }
            }
            RedisAsyncCommands<String, String> async = node.connection().async();
            List<RedisFuture<Long>> mem = new ArrayList<>();
            List<RedisFuture<String>> types = new ArrayList<>();
            for (String k : batch) {
                mem.add(async.memoryUsage(k));
                types.add(async.type(k));
            }
            for (int i = 0; i < batch.size(); i++) {
                Long bytes = KeyScan.await(node.connection(), mem.get(i));
                String type = KeyScan.await(node.connection(), types.get(i));
                long b = bytes == null ? 0 : bytes;
                String k = batch.get(i);
                int cut = k.indexOf(separator);
                long[] stat = byPrefix.computeIfAbsent(cut < 0 ? k : k.substring(0, cut), p -> new long[2]);
                stat[0]++;
                stat[1] += b;
                all.add(new BigKey(k, type, b));
            }
            sampled += batch.size();
        }
        List<PrefixStat> prefixes = byPrefix.entrySet().stream()
                .map(e -> new PrefixStat(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(PrefixStat::keys).reversed().thenComparing(PrefixStat::prefix))
                .toList();
        List<BigKey> biggest = all.stream()
                .sorted(Comparator.comparingLong(BigKey::bytes).reversed())
                .limit(top)
                .toList();
        return new KeyspaceSample(sampled, dbsize, prefixes, biggest);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT, "sampled %,d of %,d keys%n%10s %12s  %s%n", sampled, dbsize, "keys", "memory", "prefix"));
        for (PrefixStat p : prefixes) {
            sb.append(String.format(
                    Locale.ROOT, "%,10d %12s  %s%n", p.keys(), ScanDeleteDryRun.bytes(p.bytes()), p.prefix()));
        }
        sb.append("biggest:").append(System.lineSeparator());
        for (BigKey b : biggest) {
            sb.append(String.format(
                    Locale.ROOT, "%12s  %-6s %s%n", ScanDeleteDryRun.bytes(b.bytes()), b.type(), b.key()));
        }
        return sb.toString();
    }
}
