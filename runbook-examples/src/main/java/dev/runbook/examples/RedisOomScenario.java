package dev.runbook.examples;

import dev.runbook.core.Runbook;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.test.RedisServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's INC-004: a real {@code redis-server} whose memory is over {@code maxmemory} because
 * {@code cache:wms:stock:*} entries were written without a TTL, next to sessions, locks, orders and other
 * caches that must survive; fixed by {@link RedisOom}.
 *
 * <pre>{@code
 * try (RedisOomScenario s = RedisOomScenario.start()) {
 *     Plan plan = engine.plan(s.runbook());
 *     s.state().count("session"); // read from the server
 * }
 * }</pre>
 */
public final class RedisOomScenario implements DemoScenario {
    /** How the keyspace is staged: key group (the key without its last segment) to key count. */
    public static final Map<String, Integer> KEYSPACE = keyspace();

    private static final String STOCK = "cache:wms:stock";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RedisServer server;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisActions actions;
    private final RedisState staged;
    private final String oomReply;

    private RedisOomScenario(RedisServer server) {
        this.server = server;
        this.client = RedisClient.create(server.uri());
        this.connection = client.connect();
        load(connection);
        long used = RedisState.usedMemory(connection);
        // 2% over the limit, as at the alert: with noeviction every write is refused
        connection.sync().configSet("maxmemory", String.valueOf(used * 100 / 102));
        this.oomReply = tryWrite();
        this.staged = RedisState.read(connection);
        this.actions = RedisActions.connect(server.uri());
    }

    private static Map<String, Integer> keyspace() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(STOCK, 200_000); // no TTL: the seed's bug
        m.put("cache:wms:sku", 1_000); // TTL 300 s, a cache that works
        m.put("session", 2_000); // TTL 30 min
        m.put("lock:order", 50); // TTL 60 s
        m.put("order", 3_000);
        m.put("dispatch:invitations", 1_000); // TTL 1 h
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Starts {@code redis-server} (no {@code maxmemory} yet), loads {@link #KEYSPACE} pipelined, then sets
     * {@code maxmemory} 2% under the memory used.
     *
     * @throws IllegalStateException if {@code redis-server} is not on the PATH (with the apt-get line)
     */
    public static RedisOomScenario start() {
        RedisServer server = RedisServer.start("--maxmemory-policy", "noeviction");
        try {
            return new RedisOomScenario(server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static void load(StatefulRedisConnection<String, String> connection) {
        RedisAsyncCommands<String, String> async = connection.async();
        connection.setAutoFlushCommands(false);
        List<RedisFuture<?>> sent = new ArrayList<>();
        try {
            Map<String, String> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYSPACE.get(STOCK); i++) {
                batch.put(
                        STOCK + ":" + (100_000 + i) + "-HCM-0" + (i % 4 + 1),
                        "{\"sku\":" + (100_000 + i) + ",\"qty\":" + (i * 7 % 500) + ",\"wh\":\"HCM-0" + (i % 4 + 1)
                                + "\",\"reserved\":0}");
                if (batch.size() == 1_000) {
                    sent.add(async.mset(batch));
                    batch = new LinkedHashMap<>();
                }
            }
            if (!batch.isEmpty()) {
                sent.add(async.mset(batch));
            }
            expiring(connection, sent, "cache:wms:sku", 300, i -> "{\"sku\":" + i + ",\"name\":\"item " + i + "\"}");
            expiring(connection, sent, "session", 1_800, i -> "{\"user\":" + (5_000 + i) + ",\"device\":\"android\"}");
            expiring(connection, sent, "lock:order", 60, i -> "worker-" + (i % 8));
            expiring(connection, sent, "order", 0, i -> "{\"id\":" + i + ",\"status\":\"ASSIGNED\"}");
            expiring(connection, sent, "dispatch:invitations", 3_600, i -> "driver-" + (i % 300));
            connection.flushCommands();
            for (RedisFuture<?> f : sent) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the INC-004 keyspace", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not load the INC-004 keyspace: " + e.getMessage(), e);
        } finally {
            connection.setAutoFlushCommands(true);
        }
    }

    private static void expiring(
            StatefulRedisConnection<String, String> connection,
            List<RedisFuture<?>> sent,
            String group,
            long ttlSeconds,
            java.util.function.IntFunction<String> value) {
        RedisAsyncCommands<String, String> async = connection.async();
        for (int i = 0; i < KEYSPACE.get(group); i++) {
            String key = group + ":" + String.format(Locale.ROOT, "%06x", i * 7919 + 4099);
            sent.add(ttlSeconds > 0 ? async.setex(key, ttlSeconds, value.apply(i)) : async.set(key, value.apply(i)));
            if (i % 1_000 == 999) {
                connection.flushCommands();
            }
        }
    }

    private String tryWrite() {
        try {
            connection.sync().set("session:probe-write", "x");
            connection.sync().del("session:probe-write");
            return "writes still accepted";
        } catch (RuntimeException e) {
            return "a SET answers: " + e.getMessage();
        }
    }

    /** The server's state as staged, before the runbook. */
    public RedisState stagedState() {
        return staged;
    }

    /** The server's state now, read from it (SCAN over every key, CONFIG GET, INFO memory). */
    public RedisState state() {
        return RedisState.read(connection);
    }

    /** The server, for tests. */
    public RedisServer server() {
        return server;
    }

    @Override
    public String staged() {
        return String.format(
                Locale.ROOT,
                "%s, maxmemory %s, policy %s: used %s (%.0f%%); %s%n        keys: %s",
                server,
                RedisState.mb(staged.maxBytes()),
                staged.policy(),
                RedisState.mb(staged.usedBytes()),
                staged.ratio() * 100,
                oomReply,
                staged.describeGroups());
    }

    @Override
    public Runbook runbook() {
        return RedisOom.runbook(actions);
    }

    @Override
    public String observe() {
        RedisState now = state();
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "used %s of %s (%.0f%%), maxmemory-policy %s (was %s)",
                RedisState.mb(now.usedBytes()),
                RedisState.mb(now.maxBytes()),
                now.ratio() * 100,
                now.policy(),
                staged.policy()));
        Map<String, Long> groups = new TreeMap<>(staged.groups());
        now.groups().forEach(groups::putIfAbsent);
        for (String g : groups.keySet()) {
            long before = staged.count(g);
            long after = now.count(g);
            sb.append(String.format(
                    Locale.ROOT,
                    "%n     %-22s %,9d keys (staged %,d%s)",
                    g + ":*",
                    after,
                    before,
                    after == before ? ", intact" : ""));
        }
        return sb.toString();
    }

    @Override
    public boolean fixed() {
        RedisState now = state();
        return now.count(STOCK) == 0
                && now.ratio() < RedisOom.RESOLVED_RATIO
                && now.policy().equals("allkeys-lru")
                && KEYSPACE.keySet().stream()
                        .filter(g -> !g.equals(STOCK))
                        .allMatch(g -> now.count(g) == staged.count(g));
    }

    @Override
    public void close() {
        try {
            actions.close();
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } finally {
            server.close();
        }
    }

    static Map<String, Long> scanGroups(StatefulRedisConnection<String, String> connection) {
        Map<String, Long> groups = new TreeMap<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.limit(10_000));
            for (String k : page.getKeys()) {
                int cut = k.lastIndexOf(':');
                groups.merge(cut < 0 ? k : k.substring(0, cut), 1L, Long::sum);
            }
            cursor = page;
        } while (!cursor.isFinished());
        return groups;
    }
}
