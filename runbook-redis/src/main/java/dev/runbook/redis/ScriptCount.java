package dev.runbook.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts matching keys without sending them over the wire: each call is one short Lua script that runs
 * one {@code SCAN cursor MATCH p COUNT n [TYPE t]} and returns only the next cursor, two counts
 * (unprotected, protected; the protected globs are matched in Lua) and the sample keys still wanted. A
 * call blocks the server no longer than the same SCAN would. Where scripting is not allowed (ACLs, managed services) it reports empty
 * and the caller scans the usual way.
 */
final class ScriptCount {
    /**
     * ARGV: cursor, pattern, count, type ('' for any), unprotected keys wanted as a sample, protected keys
     * wanted as a sample, then protected Lua patterns ({@link #luaPattern}). Returns {next cursor,
     * unprotected, protected, {sample}, {protected sample}}.
     */
    static final String SCRIPT =
            """
            local r
            if ARGV[4] ~= '' then
              r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3], 'TYPE', ARGV[4])
            else
              r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
            end
            local keys = r[2]
            local wanted, wantedProtected = tonumber(ARGV[5]), tonumber(ARGV[6])
            if #ARGV < 7 then
              local sample = {}
              for i = 1, math.min(wanted, #keys) do sample[i] = keys[i] end
              return {r[1], #keys, 0, sample, {}}
            end
            local prot = {}
            for i = 7, #ARGV do prot[#prot + 1] = (string.gsub(ARGV[i], '\\1', '[^\\128-\\191][\\128-\\191]*')) end
            local plain, kept, sample, sampleProtected = 0, 0, {}, {}
            for _, k in ipairs(keys) do
              local p = false
              for _, pat in ipairs(prot) do
                if string.find(k, pat) then p = true break end
              end
              if p then
                kept = kept + 1
                if kept <= wantedProtected then sampleProtected[kept] = k end
              else
                plain = plain + 1
                if plain <= wanted then sample[plain] = k end
              end
            end
            return {r[1], plain, kept, sample, sampleProtected}
            """;

    /** What {@link #luaPattern} writes for {@code ?}; the scripts expand it to one UTF-8 character. */
    static final char ONE_CHARACTER = '\u0001';

    private ScriptCount() {}

    /**
     * What {@link ScanDeleteEngine#count} finds (the count, the first keys as a sample, the first
     * protected keys), with only those sample keys sent over the wire; empty when the server refuses
     * scripts.
     */
    static <K> Optional<ScanDeleteEngine.Count> scan(
            RedisTarget redis,
            RedisTarget.Nodes<K> nodes,
            ScanDeleteSettings s,
            List<String> protectedGlobs,
            int sampleSize) {
        return scan(
                        redis,
                        nodes,
                        s,
                        protectedGlobs,
                        Math.max(sampleSize, ScanDeleteEngine.SAMPLE_SHOWN),
                        ScanDeleteEngine.SAMPLE_SHOWN)
                .map(c -> new ScanDeleteEngine.Count(
                        c.matching(),
                        c.protectedMatched(),
                        c.protectedSample(),
                        c.sample(),
                        Math.min(c.sampled(), sampleSize)));
    }

    @SuppressWarnings("TooManyParameters")
    private static <K> Optional<ScanDeleteEngine.Count> scan(
            RedisTarget redis,
            RedisTarget.Nodes<K> nodes,
            ScanDeleteSettings s,
            List<String> protectedGlobs,
            int sampleSize,
            int protectedShown) {
        int scanCount = Math.max(s.count(), Math.min(10 * s.count(), 10_000));
        KeyKind<K> kind = nodes.kind();
        List<K> args = new ArrayList<>();
        args.add(kind.of("0"));
        args.add(kind.of(s.pattern()));
        args.add(kind.of(String.valueOf(scanCount)));
        args.add(kind.of(s.type() == null ? "" : s.type()));
        args.add(kind.of("0"));
        args.add(kind.of("0"));
        for (String g : protectedGlobs) {
            args.add(kind.of(luaPattern(g)));
        }
        K[] noKeys = kind.array(List.of());
        try {
            return Optional.of(redis.call("count keys matching '" + s.pattern() + "'", () -> {
                long matching = 0;
                long protectedMatched = 0;
                List<String> protectedSample = new ArrayList<>();
                Map<String, List<String>> sample = new LinkedHashMap<>();
                int sampled = 0;
                for (RedisTarget.Node<K> node : nodes.list()) {
                    RedisAsyncCommands<K, K> async = node.connection().async();
                    String sha = KeyScan.await(node.connection(), async.scriptLoad(SCRIPT));
                    String cursor = "0";
                    do {
                        args.set(0, kind.of(cursor));
                        args.set(4, kind.of(String.valueOf(sampleSize - sampled)));
                        args.set(5, kind.of(String.valueOf(protectedShown - protectedSample.size())));
                        RedisFuture<List<Object>> f =
                                async.evalsha(sha, ScriptOutputType.MULTI, noKeys, kind.array(args));
                        node.connection().flushCommands();
                        List<Object> r = KeyScan.await(node.connection(), f);
                        cursor = text(r.get(0));
                        matching += (Long) r.get(1);
                        protectedMatched += (Long) r.get(2);
                        for (Object k : (List<?>) r.get(3)) {
                            sample.computeIfAbsent(node.name(), n -> new ArrayList<>())
                                    .add(text(k));
                            sampled++;
                        }
                        for (Object k : (List<?>) r.get(4)) {
                            protectedSample.add(text(k));
                        }
                    } while (!"0".equals(cursor));
                }
                return new ScanDeleteEngine.Count(matching, protectedMatched, protectedSample, sample, sampled);
            }));
        } catch (dev.runbook.core.RefusedException e) {
            if (e.getCause() instanceof RedisCommandExecutionException) {
                return Optional.empty(); // scripting refused (NOPERM, unknown command, disabled): scan instead
            }
            throw e;
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /**
     * A whole-name Lua pattern for a {@code *}/{@code ?} glob: {@code session:*} becomes {@code
     * ^session:.*$}. Lua patterns see bytes, so {@code ?} (one character, as in {@link
     * dev.runbook.core.Glob}) becomes a {@code \u0001} marker that the scripts replace with "one UTF-8
     * character" ({@code [^\128-\191][\128-\191]*}), which cannot be written in a UTF-8 argument. (A
     * glob that itself holds {@code \u0001} then protects more keys, never fewer.)
     */
    static String luaPattern(String glob) {
        StringBuilder sb = new StringBuilder("^");
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                sb.append(".*");
            } else if (c == '?') {
                sb.append(ONE_CHARACTER);
            } else if ("^$()%.[]+-".indexOf(c) >= 0) {
                sb.append('%').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.append('$').toString();
    }
}
