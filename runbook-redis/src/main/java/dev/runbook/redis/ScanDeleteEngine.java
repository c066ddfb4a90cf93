package dev.runbook.redis;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Throttle;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The streaming work of {@link ScanDeleteByPattern}: counting, sampling and pipelined deletion. */
final class ScanDeleteEngine {
    private static final int MAX_IN_FLIGHT = 4096;
    private static final int SAMPLE_SHOWN = 20;

    private ScanDeleteEngine() {}

    /** Counts matching keys (read-only), keeping at most {@code sampleSize} of them. */
    static Count count(
            RedisTarget redis, RedisTarget.Nodes nodes, ScanDeleteSettings s, List<Pattern> prot, int sampleSize) {
        return redis.call("SCAN keys matching '" + s.pattern() + "'", () -> {
            long matching = 0;
            long protectedMatched = 0;
            List<String> protectedSample = new ArrayList<>();
            Map<RedisTarget.Node, List<String>> sample = new LinkedHashMap<>();
            int sampled = 0;
            for (RedisTarget.Node node : nodes.list()) {
                KeyScan scan = new KeyScan(node.connection(), s.pattern(), s.count(), s.type());
                while (!scan.finished()) {
                    for (String key : scan.next()) {
                        if (KeyPatterns.matchesAny(prot, key)) {
                            protectedMatched++;
                            if (protectedSample.size() < SAMPLE_SHOWN) {
                                protectedSample.add(key);
                            }
                            continue;
                        }
                        matching++;
                        if (sampled < Math.max(sampleSize, 10)) {
                            sample.computeIfAbsent(node, n -> new ArrayList<>()).add(key);
                            sampled++;
                        }
                    }
                }
            }
            return new Count(matching, protectedMatched, protectedSample, sample, Math.min(sampled, sampleSize));
        });
    }

    /** Type, TTL and memory of the sample, pipelined, scaled to the count. */
    static ScanDeleteDryRun dryRun(RedisTarget redis, ScanDeleteSettings s, Count c) {
        return redis.call("inspect sampled keys", () -> {
            Map<String, Long> types = new TreeMap<>();
            Map<String, Long> ttls = new TreeMap<>();
            long memory = 0;
            long withTtl = 0;
            int n = 0;
            for (Map.Entry<RedisTarget.Node, List<String>> e : c.sample().entrySet()) {
                RedisAsyncCommands<String, String> async =
                        e.getKey().connection().async();
                List<String> keys =
                        e.getValue().subList(0, Math.min(e.getValue().size(), c.sampled() - n));
                List<RedisFuture<String>> t = new ArrayList<>();
                List<RedisFuture<Long>> ttl = new ArrayList<>();
                List<RedisFuture<Long>> mem = new ArrayList<>();
                for (String k : keys) {
                    t.add(async.type(k));
                    ttl.add(async.pttl(k));
                    mem.add(async.memoryUsage(k));
                }
                StatefulRedisConnection<String, String> conn = e.getKey().connection();
                for (int i = 0; i < keys.size(); i++) {
                    String type = KeyScan.await(conn, t.get(i));
                    Long pttl = KeyScan.await(conn, ttl.get(i));
                    Long bytes = KeyScan.await(conn, mem.get(i));
                    if ("none".equals(type)) {
                        ttls.merge("gone", 1L, Long::sum);
                        continue;
                    }
                    types.merge(type, 1L, Long::sum);
                    String bucket = ttlBucket(pttl == null ? -1 : pttl);
                    ttls.merge(bucket, 1L, Long::sum);
                    withTtl += pttl != null && pttl >= 0 ? 1 : 0;
                    memory += bytes == null ? 0 : bytes;
                }
                n += keys.size();
            }
            double scale = n == 0 ? 0 : (double) c.matching() / n;
            String duration =
                    s.rate() > 0 ? ScanDeleteDryRun.duration(c.matching() / s.rate()) : "unthrottled (no rate set)";
            String commands = "SCAN cursor MATCH " + s.pattern() + " COUNT " + s.count()
                    + (s.type() == null ? "" : " TYPE " + s.type()) + ", then " + (s.del() ? "DEL" : "UNLINK")
                    + " per batch" + (redis.isCluster() ? " and hash slot, on every master" : "")
                    + ", pipelined on a dedicated connection";
            return new ScanDeleteDryRun(
                    c.matching(),
                    c.sampleKeys(),
                    n,
                    types,
                    ttls,
                    Math.round(withTtl * scale),
                    Math.round(memory * scale),
                    c.protectedMatched(),
                    c.protectedSample(),
                    s.rate(),
                    duration,
                    commands);
        });
    }

    private static String ttlBucket(long pttl) {
        if (pttl < 0) {
            return "no ttl";
        }
        if (pttl < 60_000) {
            return "< 1 min";
        }
        if (pttl < 3_600_000) {
            return "< 1 h";
        }
        return pttl < 86_400_000 ? "< 1 day" : ">= 1 day";
    }

    /** Deletes unprotected matching keys, at most {@code cap}, batch by batch. */
    static Deletion delete(
            RedisTarget redis,
            RedisTarget.Nodes nodes,
            ScanDeleteSettings s,
            List<Pattern> prot,
            long cap,
            Throttle throttle,
            ActionContext ctx) {
        long start = System.nanoTime();
        long[] t = new long[4]; // sent, deleted, protected kept, left at cap
        redis.call("delete keys matching '" + s.pattern() + "'", () -> {
            for (RedisTarget.Node node : nodes.list()) {
                deleteOnNode(redis.isCluster(), nodes.dedicated(), node.connection(), s, prot, cap, throttle, ctx, t);
            }
            return null;
        });
        return new Deletion(t[0], t[1], t[2], t[3], (System.nanoTime() - start) / 1_000_000);
    }

    @SuppressWarnings("TooManyParameters")
    private static void deleteOnNode(
            boolean cluster,
            boolean manualFlush,
            StatefulRedisConnection<String, String> c,
            ScanDeleteSettings s,
            List<Pattern> prot,
            long cap,
            Throttle throttle,
            ActionContext ctx,
            long[] t) {
        if (manualFlush) {
            c.setAutoFlushCommands(false);
        }
        try {
            RedisAsyncCommands<String, String> async = c.async();
            KeyScan scan = new KeyScan(c, s.pattern(), s.count(), s.type());
            ArrayDeque<RedisFuture<Long>> pending = new ArrayDeque<>();
            while (!scan.finished()) {
                List<String> keys = scan.next();
                List<String> batch = new ArrayList<>(keys.size());
                for (String k : keys) {
                    if (KeyPatterns.matchesAny(prot, k)) {
                        t[2]++;
                    } else if (t[0] + batch.size() < cap) {
                        batch.add(k);
                    } else {
                        t[3]++;
                    }
                }
                if (!batch.isEmpty()) {
                    throttle.acquire(batch.size());
                    if (cluster) {
                        Map<Integer, List<String>> bySlot = new TreeMap<>();
                        for (String k : batch) {
                            bySlot.computeIfAbsent(SlotHash.getSlot(k), x -> new ArrayList<>())
                                    .add(k);
                        }
                        for (List<String> group : bySlot.values()) {
                            pending.add(send(async, s.del(), group));
                        }
                    } else {
                        pending.add(send(async, s.del(), batch));
                    }
                    t[0] += batch.size();
                }
                scan.send();
                c.flushCommands();
                while (pending.size() > MAX_IN_FLIGHT
                        || (!pending.isEmpty() && pending.peek().isDone())) {
                    t[1] += scan.await(pending.poll());
                }
                ctx.progress("keys deleted", t[0], cap);
            }
            while (!pending.isEmpty()) {
                t[1] += scan.await(pending.poll());
            }
        } finally {
            if (manualFlush) {
                c.setAutoFlushCommands(true);
            }
        }
    }

    private static RedisFuture<Long> send(RedisAsyncCommands<String, String> async, boolean del, List<String> keys) {
        String[] arr = keys.toArray(new String[0]);
        return del ? async.del(arr) : async.unlink(arr);
    }

    /** Result of a counting pass; the sample is at most the requested size. */
    record Count(
            long matching,
            long protectedMatched,
            List<String> protectedSample,
            Map<RedisTarget.Node, List<String>> sample,
            int sampled) {
        List<String> sampleKeys() {
            return sample.values().stream()
                    .flatMap(List::stream)
                    .limit(SAMPLE_SHOWN)
                    .toList();
        }
    }

    /**
     * What a deletion pass did.
     *
     * @param sent keys sent to UNLINK/DEL
     * @param deleted keys the server removed (fewer when some vanished meanwhile)
     * @param protectedKept protected keys that matched and were kept
     * @param leftAtCap matching keys left because the plan's limit was reached
     * @param millis how long it took
     */
    record Deletion(long sent, long deleted, long protectedKept, long leftAtCap, long millis) {}
}
