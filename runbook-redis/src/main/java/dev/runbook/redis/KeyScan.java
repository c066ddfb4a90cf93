package dev.runbook.redis;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SCAN over one node, batch by batch: {@code SCAN cursor MATCH p COUNT n [TYPE t]}. Only the current
 * batch is in memory. {@link #next} can send other commands in the same flush (pipelining).
 */
final class KeyScan<K> {
    private final StatefulRedisConnection<K, K> connection;
    private final RedisAsyncCommands<K, K> async;
    private final KeyScanArgs args;
    private final Duration timeout;
    private ScanCursor cursor = ScanCursor.INITIAL;
    private RedisFuture<KeyScanCursor<K>> inFlight;

    KeyScan(StatefulRedisConnection<K, K> connection, String pattern, int count, String type) {
        this.connection = connection;
        this.async = connection.async();
        KeyScanArgs a = KeyScanArgs.Builder.matches(pattern).limit(count);
        this.args = type == null ? a : a.type(type);
        this.timeout = connection.getTimeout();
    }

    /** Whether the scan has visited the whole keyspace. */
    boolean finished() {
        return cursor.isFinished() && inFlight == null;
    }

    /** Sends the next SCAN without waiting (the caller flushes, or autoflush does). */
    void send() {
        if (inFlight == null && !cursor.isFinished()) {
            inFlight = async.scan(cursor, args);
        }
    }

    /** Sends (if needed) and waits for the next batch of keys; empty when the scan is done. */
    List<K> next() {
        send();
        connection.flushCommands();
        if (inFlight == null) {
            return List.of();
        }
        if (!connection.isOpen()) {
            throw new io.lettuce.core.RedisConnectionException("connection closed during SCAN");
        }
        KeyScanCursor<K> r = await(inFlight);
        inFlight = null;
        cursor = r;
        return r.getKeys();
    }

    <T> T await(RedisFuture<T> f) {
        return LettuceFutures.awaitOrCancel(f, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for a reply on {@code connection}, up to its command timeout. */
    static <T> T await(StatefulRedisConnection<?, ?> connection, RedisFuture<T> f) {
        return LettuceFutures.awaitOrCancel(f, connection.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
