package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServers.class)
class ProbesIT {
    static RedisServers.Server primary;
    static RedisActions redis;

    @BeforeAll
    static void connect() {
        primary = RedisServers.primary();
        redis = RedisActions.connect(primary.uri());
    }

    @AfterAll
    static void close() {
        TestRedis.on(primary).configSet("maxmemory", "0");
        redis.close();
    }

    @BeforeEach
    void seed() {
        TestRedis.on(primary).flushall();
        TestRedis.strings(primary, "cache:wms:stock:", 600);
        TestRedis.strings(primary, "session:", 300);
        TestRedis.strings(primary, "dispatch:invitations:", 100);
        TestRedis.on(primary).set("cache:big", "x".repeat(100_000));
    }

    @Test
    void keyspaceSample_histogramByPrefix_memory_andBiggestKeys() {
        KeyspaceSample all = redis.keyspaceSample(10_000).read();
        assertThat(all.sampled()).isEqualTo(1001);
        assertThat(all.dbsize()).isEqualTo(1001);
        assertThat(all.prefixes())
                .extracting(KeyspaceSample.PrefixStat::prefix, KeyspaceSample.PrefixStat::keys)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cache", 601L),
                        org.assertj.core.groups.Tuple.tuple("session", 300L),
                        org.assertj.core.groups.Tuple.tuple("dispatch", 100L));
        assertThat(all.prefixes().get(0).bytes()).isGreaterThan(100_000);
        assertThat(all.biggest().get(0).key()).isEqualTo("cache:big");
        assertThat(all.biggest().get(0).type()).isEqualTo("string");
        assertThat(all.toString()).contains("601").contains("cache").contains("cache:big");

        KeyspaceSample some = redis.keyspaceSample(100).read();
        assertThat(some.sampled()).isEqualTo(100);
        assertThat(some.prefixes().stream()
                        .mapToLong(KeyspaceSample.PrefixStat::keys)
                        .sum())
                .isEqualTo(100);
    }

    @Test
    void memory_readsUsedMaxRatioEvictionsAndMisses() {
        TestRedis.on(primary).configSet("maxmemory", "1gb");
        TestRedis.on(primary).get("no-such-key");
        MemoryInfo m = redis.memory().read();
        Map<String, String> info = RedisInfo.parse(primary.cli("INFO", "memory"));
        assertThat(m.maxBytes()).isEqualTo(1L << 30);
        assertThat(m.usedBytes())
                .isPositive()
                .isCloseTo(
                        Long.parseLong(info.get("used_memory")), org.assertj.core.data.Percentage.withPercentage(20));
        assertThat(m.ratio()).isEqualTo((double) m.usedBytes() / m.maxBytes());
        assertThat(m.keyspaceMisses()).isPositive();
        assertThat(m.policy()).isNotBlank();
        assertThat(m.toString()).contains("GB");
    }

    @Test
    void listLength_readsTheQueueDepth() {
        TestRedis.on(primary).rpush("dispatch:queue:HCMC", "a", "b", "c");
        assertThat(redis.listLength("dispatch:queue:HCMC").read()).isEqualTo(3);
        assertThat(redis.listLength("dispatch:queue:HN").read()).isZero();
    }

    @Test
    void replication_readsRolesLinkAndOffsets() {
        ReplicationInfo p = redis.replication().read();
        assertThat(p.role()).isEqualTo("master");
        assertThat(p.connectedReplicas()).isGreaterThanOrEqualTo(1);
        try (RedisActions r = RedisActions.connect(RedisServers.replica().uri())) {
            ReplicationInfo ri = r.replication().read();
            assertThat(ri.isReplica()).isTrue();
            assertThat(ri.linkUp()).isTrue();
            assertThat(ri.masterPort()).isEqualTo(primary.port());
        }
    }
}
