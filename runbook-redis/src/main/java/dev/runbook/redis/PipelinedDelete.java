package dev.runbook.redis;

import dev.runbook.core.ActionContext;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The unthrottled deletion loop, driven by replies on the connection's I/O thread: each SCAN reply
 * sends that batch's UNLINK and the next SCAN in one flush, without waking another thread. Only the
 * current batch is in memory. The caller's thread waits, and gives up when no reply came for the
 * connection's timeout.
 */
final class PipelinedDelete<K> {
    private final StatefulRedisConnection<K, K> c;
    private final RedisAsyncCommands<K, K> async;
    private final boolean cluster;
    private final KeyKind<K> kind;
    private final ScanDeleteSettings s;
    private final KeyScanArgs args;
    private final List<Pattern> prot;
    private final long cap;
    private final ActionContext ctx;
    private final long[] t;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int outstanding;
    private boolean scanFinished;
    private volatile long lastReply = System.nanoTime();

    @SuppressWarnings("TooManyParameters")
    PipelinedDelete(
            StatefulRedisConnection<K, K> c,
            boolean cluster,
            KeyKind<K> kind,
            ScanDeleteSettings s,
            List<Pattern> prot,
            long cap,
            ActionContext ctx,
            long[] t) {
        this.c = c;
        this.async = c.async();
        this.cluster = cluster;
        this.kind = kind;
        this.s = s;
        KeyScanArgs a = KeyScanArgs.Builder.matches(s.pattern()).limit(s.count());
        this.args = s.type() == null ? a : a.type(s.type());
        this.prot = prot;
        this.cap = cap;
        this.ctx = ctx;
        this.t = t;
    }

    void run() {
        synchronized (this) {
            scanFrom(ScanCursor.INITIAL);
        }
        await(done, c.getTimeout(), () -> lastReply, "deleting");
        synchronized (this) {
            return; // makes the I/O thread's counts visible here
        }
    }

    /**
     * Waits for {@code done}, completed by replies on a connection's I/O thread; gives up when no reply
     * came for {@code timeout} ({@code lastReply} is the nanoTime of the latest). Failures are rethrown
     * as they are (Lettuce's exceptions, for {@link RedisTarget#call}).
     */
    static Void await(CompletableFuture<Void> done, Duration timeout, LongSupplier lastReply, String what) {
        long nanos = timeout.toNanos();
        while (true) {
            try {
                return done.get(Math.max(1, nanos / 4), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - lastReply.getAsLong() > nanos) {
                    throw new RedisCommandTimeoutException("no reply for " + timeout + " while " + what);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException re
                        ? re
                        : new io.lettuce.core.RedisException(String.valueOf(cause), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.lettuce.core.RedisException("interrupted while " + what, e);
            }
        }
    }

    private void scanFrom(ScanCursor cursor) {
        RedisFuture<KeyScanCursor<K>> f = async.scan(cursor, args);
        c.flushCommands();
        f.whenComplete(this::onScan);
    }

    private synchronized void onScan(KeyScanCursor<K> r, Throwable err) {
        if (err != null) {
            done.completeExceptionally(err);
            return;
        }
        lastReply = System.nanoTime();
        try {
            List<K> batch = ScanDeleteEngine.admit(r.getKeys(), prot, kind, cap, t);
            if (!batch.isEmpty()) {
                for (RedisFuture<Long> u : ScanDeleteEngine.sendBatch(async, cluster, s.del(), kind, batch)) {
                    outstanding++;
                    u.whenComplete(this::onDeleted);
                }
                t[0] += batch.size();
            }
            ctx.progress("keys deleted", t[0], cap);
            if (r.isFinished()) {
                scanFinished = true;
                c.flushCommands();
                finishIfDone();
            } else {
                scanFrom(r);
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private synchronized void onDeleted(Long n, Throwable err) {
        if (err != null) {
            done.completeExceptionally(err);
            return;
        }
        lastReply = System.nanoTime();
        t[1] += n == null ? 0 : n;
        outstanding--;
        finishIfDone();
    }

    private void finishIfDone() {
        if (scanFinished && outstanding == 0) {
            done.complete(null);
        }
    }
}
