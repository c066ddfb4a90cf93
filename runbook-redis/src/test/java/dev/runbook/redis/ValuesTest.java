package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void configValues_compareAsRedisNormalisesThem() {
        assertThat(SetConfig.same("104857600", "100mb")).isTrue();
        assertThat(SetConfig.same("100000000", "100m")).isTrue();
        assertThat(SetConfig.same("1073741824", "1GB")).isTrue();
        assertThat(SetConfig.same("allkeys-lru", "ALLKEYS-LRU")).isTrue();
        assertThat(SetConfig.same("noeviction", "allkeys-lru")).isFalse();
    }

    @Test
    void info_parsesFieldsAndNumbers() {
        Map<String, String> i = RedisInfo.parse("# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\n"
                + "master_port:6379\r\nmaster_link_status:up\r\nslave_repl_offset:1234\r\n");
        ReplicationInfo r = ReplicationInfo.parse(i);
        assertThat(r.isReplica()).isTrue();
        assertThat(r.linkUp()).isTrue();
        assertThat(r.offset()).isEqualTo(1234);
        assertThat(r.masterPort()).isEqualTo(6379);
        assertThat(RedisInfo.number(i, "missing")).isZero();
        assertThat(RedisInfo.number(Map.of("ratio", "1.5"), "ratio")).isEqualTo(1);
    }

    @Test
    void bytesAndDurations_printForPeople() {
        assertThat(ScanDeleteDryRun.bytes(512)).isEqualTo("512 B");
        assertThat(ScanDeleteDryRun.bytes(88_000_000)).isEqualTo("83.9 MB");
        assertThat(ScanDeleteDryRun.duration(3.01)).isEqualTo("4 s");
        assertThat(ScanDeleteDryRun.duration(200)).isEqualTo("3 min 20 s");
    }
}
