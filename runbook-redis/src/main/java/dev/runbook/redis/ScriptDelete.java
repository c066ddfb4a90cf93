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
import java.util.concurrent.CompletableFuture;

/**
 * Deletes on the server, one bounded step at a time: each call is a short Lua script that runs one
 * {@code SCAN cursor MATCH p COUNT n [TYPE t]}, drops the protected keys (matched in Lua), and UNLINKs (or
 * DELs) the rest, at most the budget it is given, then returns only the next cursor and four counts. The
 * keys never cross the network, so the server does the same work as a single whole-keyspace script (the
 * benchmark's ceiling) but never blocks longer than one SCAN step plus its deletes, and the client decides
 * between steps: budget, rate, progress, giving up. Unthrottled, each reply sends the next step from the
 * connection's I/O thread, so the server waits for the network only, not for a thread to wake up.
 *
 * <p>Standalone servers only: in a cluster one UNLINK cannot span hash slots, so clusters use the
 * client-side pipeline. Where scripts are not allowed (ACLs, managed services) {@link #run} reports it
 * before deleting anything and the caller falls back to that pipeline too.
 */
final class ScriptDelete {
    /**
     * ARGV: cursor, pattern, count, type ('' for any), budget (keys this step may still delete), 'UNLINK'
     * or 'DEL', then protected Lua patterns ({@link ScriptCount#luaPattern}). Returns {next cursor, sent,
     * deleted, protected kept, left over budget}. A step with no protected patterns and room in its budget
     * deletes SCAN's reply as it is; otherwise it filters first. UNLINK runs in chunks of 1,000 keys: Lua's
     * unpack has a stack limit of 8,000 values.
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
            local n = #keys
            local budget = tonumber(ARGV[5])
            local deleted = 0
            if #ARGV < 7 and n <= budget then
              for i = 1, n, 1000 do
                deleted = deleted + redis.call(ARGV[6], unpack(keys, i, math.min(i + 999, n)))
              end
              return {r[1], n, deleted, 0, 0}
            end
            local prot = {}
            for i = 7, #ARGV do prot[#prot + 1] = (string.gsub(ARGV[i], '\\1', '[^\\128-\\191][\\128-\\191]*')) end
            local batch, sent, kept, over = {}, 0, 0, 0
            for _, k in ipairs(keys) do
              local p = false
              for _, pat in ipairs(prot) do
                if string.find(k, pat) then p = true break end
              end
              if p then kept = kept + 1
              elseif sent < budget then sent = sent + 1 batch[sent] = k
              else over = over + 1 end
            end
            for i = 1, sent, 1000 do
              deleted = deleted + redis.call(ARGV[6], unpack(batch, i, math.min(i + 999, sent)))
            end
            return {r[1], sent, deleted, kept, over}
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
        boolean unthrottled = Double.isInfinite(throttle.permitsPerSecond());
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
        Steps steps = new Steps(redis, c, sha, args.toArray(new String[0]), s.pattern(), cap, ctx, t);
        String cursor;
        long sentBefore = t[0];
        try {
            cursor = steps.once("0");
        } catch (RefusedException e) {
            if (refusedScripting(e)) {
                return false; // EVALSHA itself refused: the script did not run
            }
            throw e;
        }
        throttle.acquire((int) (t[0] - sentBefore));
        if (unthrottled) {
            steps.chainFrom(cursor);
            return true;
        }
        while (!"0".equals(cursor)) {
            sentBefore = t[0];
            cursor = steps.once(cursor);
            throttle.acquire((int) (t[0] - sentBefore));
        }
        return true;
    }

    /** The script's steps on one connection, and their counts. */
    private static final class Steps {
        private static final String[] NO_KEYS = new String[0];
        private final RedisTarget redis;
        private final StatefulRedisConnection<String, String> c;
        private final RedisAsyncCommands<String, String> async;
        private final String sha;
        private final String[] argv;
        private final String what;
        private final long cap;
        private final ActionContext ctx;
        private final long[] t;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile long lastReply = System.nanoTime();

        @SuppressWarnings("TooManyParameters")
        Steps(
                RedisTarget redis,
                StatefulRedisConnection<String, String> c,
                String sha,
                String[] argv,
                String pattern,
                long cap,
                ActionContext ctx,
                long[] t) {
            this.redis = redis;
            this.c = c;
            this.async = c.async();
            this.sha = sha;
            this.argv = argv;
            this.what = "delete keys matching '" + pattern + "'";
            this.cap = cap;
            this.ctx = ctx;
            this.t = t;
        }

        /** Runs one step from {@code cursor} and waits for it; returns the next cursor ("0": done). */
        String once(String cursor) {
            return redis.call(what, () -> account(KeyScan.await(c, send(cursor))));
        }

        /**
         * Runs the remaining steps back to back from {@code cursor}, each sent by the reply to the one
         * before on the connection's I/O thread (no thread hand-off between steps), and waits for the
         * last. Gives up when no reply came for the connection's timeout.
         */
        void chainFrom(String cursor) {
            if ("0".equals(cursor)) {
                return;
            }
            redis.call(what, () -> {
                chain(cursor);
                return PipelinedDelete.await(done, c.getTimeout(), () -> lastReply, "deleting");
            });
        }

        private void chain(String cursor) {
            send(cursor).whenComplete((r, err) -> {
                if (err != null) {
                    done.completeExceptionally(err);
                    return;
                }
                lastReply = System.nanoTime();
                try {
                    String next = account(r);
                    if ("0".equals(next)) {
                        done.complete(null);
                    } else {
                        chain(next);
                    }
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }

        private RedisFuture<List<Object>> send(String cursor) {
            String[] a = argv.clone();
            a[0] = cursor;
            a[4] = String.valueOf(cap - t[0]);
            return async.evalsha(sha, ScriptOutputType.MULTI, NO_KEYS, a);
        }

        /** Adds a step's counts; returns its next cursor. */
        private String account(List<Object> r) {
            t[0] += (Long) r.get(1);
            t[1] += (Long) r.get(2);
            t[2] += (Long) r.get(3);
            t[3] += (Long) r.get(4);
            ctx.progress("keys deleted", t[0], cap);
            return text(r.get(0));
        }
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
