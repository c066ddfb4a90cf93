package dev.runbook.redis;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Throttle;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
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
    static final int SAMPLE_SHOWN = 20;

    private ScanDeleteEngine() {}

    /**
     * Counts matching keys (read-only), keeping at most {@code sampleSize} of them as text. Counting
     * passes use a COUNT ten times the deleting pass's (up to 10,000): they only read, so fewer round trips
     * matter more than shorter calls.
     */
    static <K> Count count(
            RedisTarget redis, RedisTarget.Nodes<K> nodes, ScanDeleteSettings s, List<Pattern> prot, int sampleSize) {
        int scanCount = Math.max(s.count(), Math.min(10 * s.count(), 10_000));
        KeyKind<K> kind = nodes.kind();
        return redis.call("SCAN keys matching '" + s.pattern() + "'", () -> {
            long matching = 0;
            long protectedMatched = 0;
            List<String> protectedSample = new ArrayList<>();
            Map<String, List<String>> sample = new LinkedHashMap<>();
            int sampled = 0;
            int keep = Math.max(sampleSize, SAMPLE_SHOWN);
            for (RedisTarget.Node<K> node : nodes.list()) {
                KeyScan<K> scan = new KeyScan<>(node.connection(), s.pattern(), scanCount, s.type());
                while (!scan.finished()) {
                    for (K key : scan.next()) {
                        if (!prot.isEmpty() && KeyPatterns.matchesAny(prot, kind.text(key))) {
                            protectedMatched++;
                            if (protectedSample.size() < SAMPLE_SHOWN) {
                                protectedSample.add(kind.text(key));
                            }
                            continue;
                        }
                        matching++;
                        if (sampled < keep) {
                            sample.computeIfAbsent(node.name(), n -> new ArrayList<>())
                                    .add(kind.text(key));
                            sampled++;
                        }
                    }
                }
            }
            return new Count(matching, protectedMatched, protectedSample, sample, Math.min(sampled, sampleSize));
        });
    }

    /** Type, TTL and memory of the sample, pipelined, scaled to the count. */
    static ScanDeleteDryRun dryRun(RedisTarget redis, RedisTarget.Nodes<String> nodes, ScanDeleteSettings s, Count c) {
        return redis.call("inspect sampled keys", () -> {
            Map<String, Long> types = new TreeMap<>();
            Map<String, Long> ttls = new TreeMap<>();
            long memory = 0;
            long withTtl = 0;
            int n = 0;
            for (RedisTarget.Node<String> node : nodes.list()) {
                List<String> here = c.sample().getOrDefault(node.name(), List.of());
                RedisAsyncCommands<String, String> async = node.connection().async();
                List<String> keys = here.subList(0, Math.min(here.size(), c.sampled() - n));
                List<RedisFuture<String>> t = new ArrayList<>();
                List<RedisFuture<Long>> ttl = new ArrayList<>();
                List<RedisFuture<Long>> mem = new ArrayList<>();
                for (String k : keys) {
                    t.add(async.type(k));
                    ttl.add(async.pttl(k));
                    mem.add(async.memoryUsage(k));
                }
                StatefulRedisConnection<String, String> conn = node.connection();
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
            String scan = "SCAN cursor MATCH " + s.pattern() + " COUNT " + s.count()
                    + (s.type() == null ? "" : " TYPE " + s.type()) + ", then " + (s.del() ? "DEL" : "UNLINK");
            String commands = redis.isCluster()
                    ? scan + " per batch and hash slot, on every master, pipelined on a dedicated connection"
                    : "one Lua script (EVALSHA) per step: " + scan + " of the unprotected keys, on the server"
                            + " (where scripts are refused: the same per batch from the client, pipelined)";
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

    /**
     * Deletes unprotected matching keys, at most {@code cap}. A standalone server deletes by script steps
     * ({@link ScriptDelete}: the keys never leave the server); a cluster, or a server that refuses
     * scripts, gets SCAN and pipelined UNLINK batches from the client on dedicated connections.
     */
    @SuppressWarnings("TooManyParameters")
    static Deletion delete(
            RedisTarget redis,
            ScanDeleteSettings s,
            List<Pattern> prot,
            List<String> protectedGlobs,
            long cap,
            Throttle throttle,
            ActionContext ctx) {
        long start = System.nanoTime();
        long[] t = new long[4]; // sent, deleted, protected kept, left at cap
        int stepCount = stepCount(s, throttle);
        boolean scripted = !redis.isCluster()
                && ScriptDelete.run(
                        redis,
                        redis.nodes().list().get(0).connection(),
                        s,
                        protectedGlobs,
                        stepCount,
                        cap,
                        throttle,
                        ctx,
                        t);
        if (!scripted) {
            try (RedisTarget.Nodes<?> nodes = redis.dedicatedNodes()) {
                redis.call("delete keys matching '" + s.pattern() + "'", () -> {
                    deleteOnNodes(redis.isCluster(), nodes, s, prot, cap, throttle, ctx, t, stepCount);
                    return null;
                });
            }
        }
        return new Deletion(t[0], t[1], t[2], t[3], (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Keys per SCAN step while deleting: the settings' COUNT, or under a rate limit at most two
     * milliseconds' worth of keys at that rate (at least 10), so that no single step holds the server
     * long enough to delay other clients' commands noticeably.
     */
    static int stepCount(ScanDeleteSettings s, Throttle throttle) {
        double rate = throttle.permitsPerSecond();
        if (Double.isInfinite(rate)) {
            return s.count();
        }
        return (int) Math.min(s.count(), Math.max(10, rate / 500));
    }

    @SuppressWarnings("TooManyParameters")
    private static <K> void deleteOnNodes(
            boolean cluster,
            RedisTarget.Nodes<K> nodes,
            ScanDeleteSettings s,
            List<Pattern> prot,
            long cap,
            Throttle throttle,
            ActionContext ctx,
            long[] t,
            int stepCount) {
        for (RedisTarget.Node<K> node : nodes.list()) {
            deleteOnNode(cluster, nodes, node.connection(), s, prot, cap, throttle, ctx, t, stepCount);
        }
    }

    @SuppressWarnings("TooManyParameters")
    private static <K> void deleteOnNode(
            boolean cluster,
            RedisTarget.Nodes<K> nodes,
            StatefulRedisConnection<K, K> c,
            ScanDeleteSettings s,
            List<Pattern> prot,
            long cap,
            Throttle throttle,
            ActionContext ctx,
            long[] t,
            int stepCount) {
        boolean manualFlush = nodes.dedicated();
        KeyKind<K> kind = nodes.kind();
        if (manualFlush) {
            c.setAutoFlushCommands(false);
        }
        try {
            if (manualFlush && Double.isInfinite(throttle.permitsPerSecond())) {
                new PipelinedDelete<>(c, cluster, kind, s, prot, cap, ctx, t).run();
                return;
            }
            RedisAsyncCommands<K, K> async = c.async();
            KeyScan<K> scan = new KeyScan<>(c, s.pattern(), stepCount, s.type());
            ArrayDeque<RedisFuture<Long>> pending = new ArrayDeque<>();
            while (!scan.finished()) {
                List<K> batch = admit(scan.next(), prot, kind, cap, t);
                if (!batch.isEmpty()) {
                    throttle.acquire(batch.size());
                    pending.addAll(sendBatch(async, cluster, s.del(), kind, batch));
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

    /** The keys of a SCAN batch that may be deleted: unprotected, and within the cap. Counts the rest. */
    static <K> List<K> admit(List<K> keys, List<Pattern> prot, KeyKind<K> kind, long cap, long[] t) {
        List<K> batch = new ArrayList<>(keys.size());
        for (K k : keys) {
            if (!prot.isEmpty() && KeyPatterns.matchesAny(prot, kind.text(k))) {
                t[2]++;
            } else if (t[0] + batch.size() < cap) {
                batch.add(k);
            } else {
                t[3]++;
            }
        }
        return batch;
    }

    /** Sends UNLINK (or DEL) for a batch: one command, or one per hash slot in a cluster. */
    static <K> List<RedisFuture<Long>> sendBatch(
            RedisAsyncCommands<K, K> async, boolean cluster, boolean del, KeyKind<K> kind, List<K> batch) {
        if (!cluster) {
            return List.of(send(async, del, kind.array(batch)));
        }
        Map<Integer, List<K>> bySlot = new TreeMap<>();
        for (K k : batch) {
            bySlot.computeIfAbsent(kind.slot(k), x -> new ArrayList<>()).add(k);
        }
        List<RedisFuture<Long>> out = new ArrayList<>(bySlot.size());
        for (List<K> group : bySlot.values()) {
            out.add(send(async, del, kind.array(group)));
        }
        return out;
    }

    private static <K> RedisFuture<Long> send(RedisAsyncCommands<K, K> async, boolean del, K[] keys) {
        return del ? async.del(keys) : async.unlink(keys);
    }

    /** Result of a counting pass; the sample is at most the requested size. */
    record Count(
            long matching,
            long protectedMatched,
            List<String> protectedSample,
            Map<String, List<String>> sample,
            int sampled) {
        List<String> sampleKeys() {
            return sample.values().stream()
                    .flatMap(List::stream)
                    .limit(SAMPLE_SHOWN)
                    .toList();
        }

        /** Every sampled key (up to the action's sample size), not only the ones shown. */
        List<String> allSampleKeys() {
            return sample.values().stream().flatMap(List::stream).toList();
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
