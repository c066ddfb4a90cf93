package dev.runbook.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Plain Lettuce connections for tests to seed and inspect servers, cached per port. */
final class TestRedis {
    private static final Map<Integer, StatefulRedisConnection<String, String>> CONNECTIONS = new ConcurrentHashMap<>();
    private static final RedisClient CLIENT = RedisClient.create();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(CLIENT::shutdown, "test-redis-client-stop"));
    }

    private TestRedis() {}

    static RedisCommands<String, String> on(RedisServers.Server server) {
        return CONNECTIONS
                .computeIfAbsent(
                        server.port(),
                        p -> CLIENT.connect(RedisURI.builder()
                                .withHost("127.0.0.1")
                                .withPort(p)
                                .withTimeout(Duration.ofSeconds(20))
                                .build()))
                .sync();
    }

    /** Every key on the server, sorted (KEYS is fine on a test's small data set). */
    static java.util.SortedSet<String> keys(RedisServers.Server server) {
        return new TreeSet<>(on(server).keys("*"));
    }

    /** Sets {@code n} string keys {@code prefix0..prefix(n-1)} with MSET in chunks. */
    static void strings(RedisServers.Server server, String prefix, int n) {
        List<String> chunk = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chunk.add(prefix + i);
            if (chunk.size() == 1000 || i == n - 1) {
                Map<String, String> m = new java.util.HashMap<>();
                for (String k : chunk) {
                    m.put(k, "v");
                }
                on(server).mset(m);
                chunk.clear();
            }
        }
    }
}
