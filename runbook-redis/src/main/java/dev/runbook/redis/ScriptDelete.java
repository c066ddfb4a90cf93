package dev.runbook.redis;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Throttle;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes on the server, one bounded step at a time: each call is a short Lua script that runs one
 * {@code SCAN cursor MATCH p COUNT n [TYPE t]}, drops the protected keys (matched in Lua), and UNLINKs (or
 * DELs) the rest, at most the budget it is given, then returns only the next cursor and four counts. The
 * keys never cross the network, so the server does the same work as a single whole-keyspace script (the
 * benchmark's ceiling) but never blocks longer than one SCAN step plus its deletes, and the client decides
 * between steps: budget, rate, progress, giving up.
 *
 * <p>Standalone servers only: in a cluster one UNLINK cannot span hash slots, so clusters use the
 * client-side pipeline. Where scripts are not allowed (ACLs, managed services) {@link #run} reports it
 * before deleting anything and the caller falls back to that pipeline too.
 */
final class ScriptDelete {
    /**
     * ARGV: cursor, pattern, count, type ('' for any), budget, 'UNLINK' or 'DEL', then protected Lua
     * patterns ({@link ScriptCount#luaPattern}). Returns {next cursor, sent, deleted, protected kept, left over budget}. UNLINK runs in
     * chunks of 500 keys: Lua's unpack has a stack limit of a few thousand values.
     */
    static final String SCRIPT =
            """
            local r
            if ARGV[4] ~= '' then
              r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3], 'TYPE', ARGV[4])
            else
              r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
            end
            local prot = {}
            for i = 7, #ARGV do prot[#prot + 1] = (string.gsub(ARGV[i], '\\1', '[^\\128-\\191][\\128-\\191]*')) end
            local budget = tonumber(ARGV[5])
            local batch, kept, over = {}, 0, 0
            for _, k in ipairs(r[2]) do
              local p = false
              for _, pat in ipairs(prot) do
                if string.find(k, pat) then p = true break end
              end
              if p then kept = kept + 1
              elseif #batch < budget then batch[#batch + 1] = k
              else over = over + 1 end
            end
            local deleted = 0
            for i = 1, #batch, 500 do
              deleted = deleted + redis.call(ARGV[6], unpack(batch, i, math.min(i + 499, #batch)))
            end
            return {r[1], #batch, deleted, kept, over}
            """;

    private ScriptDelete() {}

    /**
     * Deletes matching, unprotected keys on one node, at most {@code cap} in all, adding to {@code t}
     * (sent, deleted, protected kept, left at cap).
     *
     * @return false, with nothing deleted, when the server does not allow this script
     */
    @SuppressWarnings("TooManyParameters")
    static boolean run(
            RedisTarget redis,
            StatefulRedisConnection<String, String> c,
            ScanDeleteSettings s,
            List<String> protectedGlobs,
            int stepCount,
            long cap,
            Throttle throttle,
            ActionContext ctx,
            long[] t) {
        RedisAsyncCommands<String, String> async = c.async();
        String sha;
        try {
            sha = redis.call("load the delete script", () -> KeyScan.await(c, async.scriptLoad(SCRIPT)));
        } catch (RefusedException e) {
            if (e.getCause() instanceof RedisCommandExecutionException) {
                return false; // SCRIPT LOAD refused (NOPERM, disabled): nothing ran, use the pipeline
            }
            throw e;
        }
        List<String> args = new ArrayList<>();
        args.add("0");
        args.add(s.pattern());
        args.add(String.valueOf(stepCount));
        args.add(s.type() == null ? "" : s.type());
        args.add("0");
        args.add(s.del() ? "DEL" : "UNLINK");
        for (String g : protectedGlobs) {
            args.add(ScriptCount.luaPattern(g));
        }
        String[] argv = args.toArray(new String[0]);
        String[] noKeys = new String[0];
        boolean first = true;
        String cursor = "0";
        do {
            argv[0] = cursor;
            argv[4] = String.valueOf(cap - t[0]);
            List<Object> r;
            try {
                r = redis.call("delete keys matching '" + s.pattern() + "'", () -> {
                    RedisFuture<List<Object>> f = async.evalsha(sha, ScriptOutputType.MULTI, noKeys, argv);
                    return KeyScan.await(c, f);
                });
            } catch (RefusedException e) {
                if (first && refusedScripting(e)) {
                    return false; // EVALSHA itself refused: the script did not run
                }
                throw e;
            }
            first = false;
            cursor = text(r.get(0));
            long sent = (Long) r.get(1);
            t[0] += sent;
            t[1] += (Long) r.get(2);
            t[2] += (Long) r.get(3);
            t[3] += (Long) r.get(4);
            throttle.acquire((int) sent);
            ctx.progress("keys deleted", t[0], cap);
        } while (!"0".equals(cursor));
        return true;
    }

    /** Whether the server refused to run the script at all (as opposed to a command inside it failing). */
    private static boolean refusedScripting(RefusedException e) {
        if (!(e.getCause() instanceof RedisCommandExecutionException x)) {
            return false;
        }
        String msg = String.valueOf(x.getMessage());
        return msg.startsWith("NOPERM")
                        && msg.toLowerCase(java.util.Locale.ROOT).contains("evalsha")
                || msg.startsWith("NOSCRIPT");
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
