package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Runbook;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.RunbookSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {
    @TempDir
    Path dir;

    private static final RunbookSpec ONE = RunbookSpec.builder("X-1", "x")
            .connection("redis", "redis", "the node")
            .build(args -> Runbook.builder("X-1", "x").manual("a", "b").build());
    private static final RunbookSpec TWO = RunbookSpec.builder("X-2", "x")
            .connection("redis", "redis", "the node")
            .connection("svc", "http", "the service")
            .build(args -> Runbook.builder("X-2", "x").manual("a", "b").build());

    private Profiles profiles(String text) throws IOException {
        Path f = Files.writeString(dir.resolve("profiles.properties"), text);
        return Profiles.load(f, Map.of("REDIS_PW", "s3cret")::get);
    }

    @Test
    void connections_withSecretsByReference_neverPrinted() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "t0ken\n");
        Profiles p = profiles("prod.environment=prod\n"
                + "prod.redis.url=redis://h:6379\n"
                + "prod.redis.password=env:REDIS_PW\n"
                + "prod.redis.database=2\n"
                + "prod.svc.url=http://svc:8080\n"
                + "prod.svc.token=file:" + token + "\n");
        Map<String, Connection> c = p.connections("prod", TWO);
        assertThat(p.environment("prod")).isEqualTo("prod");
        assertThat(c.get("redis").url()).isEqualTo("redis://h:6379");
        assertThat(c.get("redis").secret("password").orElseThrow().reveal()).isEqualTo("s3cret");
        assertThat(c.get("redis").setting("database")).contains("2");
        assertThat(c.get("svc").secret("token").orElseThrow().reveal()).isEqualTo("t0ken");
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("t0ken");
    }

    @Test
    void aProfileForOneConnectionMayLeaveItsNameOut() throws IOException {
        Profiles p = profiles("prod-redis.url=redis://h:6379\nprod-redis.password=env:REDIS_PW\n");
        Connection c = p.connections("prod-redis", ONE).get("redis");
        assertThat(c.url()).isEqualTo("redis://h:6379");
        assertThat(c.secret("password")).isPresent();
        assertThat(p.environment("prod-redis")).isEqualTo("dev");
        assertThatThrownBy(() -> p.connections("prod-redis", TWO))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("set prod-redis.redis.url");
    }

    @Test
    void refuses_inlineSecrets_passwordsInUrls_unsetReferences_unknownProfiles() throws IOException {
        assertThatThrownBy(() -> profiles("p.redis.url=redis://h:1\np.redis.password=hunter2\n")
                        .connections("p", ONE))
                .hasMessageContaining("p.redis.password")
                .hasMessageContaining("written inline")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> profiles("p.redis.url=redis://u:hunter2@h:1\n").connections("p", ONE))
                .hasMessageContaining("has a password in it")
                .hasMessageNotContaining("hunter2");
        // redis://secret@host is a password without a user name (Lettuce's redis://[[user:]password@]host)
        assertThatThrownBy(() -> profiles("p.redis.url=redis://hunter2@h:1\n").connections("p", ONE))
                .hasMessageContaining("has a password in it")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> profiles("p.redis.url=rediss://hunter2@h:1\n").connections("p", ONE))
                .hasMessageContaining("has a password in it")
                .hasMessageNotContaining("hunter2");
        // in an HTTP URL the same place holds a user name, which is no secret
        assertThat(profiles("p.svc.url=http://ops@h:8080\np.redis.url=redis://h:1\n")
                        .connections("p", TWO)
                        .get("svc")
                        .url())
                .isEqualTo("http://ops@h:8080");
        assertThatThrownBy(() -> profiles("p.redis.url=redis://h:1\np.redis.password=env:NOPE\n")
                        .connections("p", ONE))
                .hasMessageContaining("environment variable NOPE, which is not set");
        assertThatThrownBy(() -> profiles("p.redis.url=redis://h:1\np.redis.password=file:/no/such/file\n")
                        .connections("p", ONE))
                .hasMessageContaining("refers to file /no/such/file");
        assertThatThrownBy(() -> profiles("p.redis.url=redis://h:1\n").connections("q", ONE))
                .hasMessageContaining("no profile 'q'")
                .hasMessageContaining("[p]");
        assertThatThrownBy(() -> Profiles.load(dir.resolve("missing.properties"), k -> null))
                .isInstanceOf(CliException.class)
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.BAD_USAGE));
    }

    @Test
    void inc012_oneConnectionPerContext_sharingOneKubeconfig() throws IOException {
        RunbookSpec inc012 = dev.runbook.core.registry.RunbookRegistry.load().find("INC-012");
        Profiles p = profiles("prod.smp-asia.url=smp-asia\n"
                + "prod.smp-asia.kubeconfig=/etc/runbook/kubeconfig\n"
                + "prod.smp-china.url=smp-china\n"
                + "prod.smp-china.kubeconfig=/etc/runbook/kubeconfig\n"
                + "prod.smp-us.url=smp-us\n"
                + "prod.mirrormaker.url=http://mirrormaker-asia-to-cn:8080/metrics\n");
        Map<String, Connection> c = p.connections("prod", inc012);
        assertThat(c).containsOnlyKeys("smp-asia", "smp-china", "smp-us", "mirrormaker");
        assertThat(c.get("smp-china").url()).isEqualTo("smp-china");
        assertThat(c.get("smp-china").setting("kubeconfig")).contains("/etc/runbook/kubeconfig");
        assertThat(c.get("smp-us").setting("kubeconfig"))
                .as("default ~/.kube/config")
                .isEmpty();
        assertThatThrownBy(() -> profiles("prod.smp-asia.url=smp-asia\nprod.smp-us.url=smp-us\n"
                                + "prod.mirrormaker.url=http://mm:8080/metrics\n")
                        .connections("prod", inc012))
                .hasMessageContaining("INC-012 needs connection 'smp-china'")
                .hasMessageContaining("set prod.smp-china.url");
    }
}
