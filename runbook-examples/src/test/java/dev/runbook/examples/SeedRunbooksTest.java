package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.ParameterSpec;
import dev.runbook.core.registry.RunbookArguments;
import dev.runbook.core.registry.RunbookRegistry;
import dev.runbook.core.registry.RunbookSpec;
import dev.runbook.k8s.K8sActions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed runbooks as the registry's first provider: found by id, built from text parameters. */
class SeedRunbooksTest {

    @Test
    void theRegistryFindsTheSeedRunbooksThroughServiceLoader() {
        RunbookRegistry registry = RunbookRegistry.load();
        assertThat(registry.runbooks()).extracting(RunbookSpec::id).contains("INC-004", "INC-005");
        assertThat(registry.provider("INC-004")).contains(new SeedRunbooks().name());
        RunbookSpec inc004 = registry.find("INC-004");
        assertThat(inc004.parameters())
                .extracting(ParameterSpec::name, ParameterSpec::defaultValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alertRatio", "0.9"),
                        org.assertj.core.groups.Tuple.tuple("resolvedRatio", "0.7"),
                        org.assertj.core.groups.Tuple.tuple("recoveryTimeout", "2m"));
        assertThat(inc004.connections()).singleElement().satisfies(c -> assertThat(c.kind())
                .isEqualTo("redis"));
    }

    @Test
    void inc005_isBuiltFromItsArgumentsAndPlansLikeTheHandWrittenOne() {
        RunbookRegistry registry = RunbookRegistry.load();
        try (IntegrationService svc = IntegrationService.start(Duration.ZERO)) {
            String token = svc.adminToken().reveal().substring("Bearer ".length());
            Connection conn = new Connection(
                    "integration-svc", svc.baseUrl(), Map.of(), Map.of("token", dev.runbook.core.Secret.of(token)));
            try (RunbookArguments args = registry.arguments(
                    "INC-005",
                    Map.of("dependencyHealth", svc.url("/deps/" + IntegrationService.DEPENDENCY + "/health")),
                    Map.of("integration-svc", conn))) {
                Runbook fromRegistry = registry.find("INC-005").build(args);
                Runbook byHand = IntegrationCircuitBreaker.runbook(svc);
                assertThat(fromRegistry.fingerprint()).isEqualTo(byHand.fingerprint());
                Plan plan = RunbookEngine.builder().build().plan(fromRegistry);
                assertThat(plan.isReady()).as(plan.toString()).isTrue();
                assertThat(svc.breaker()).isEqualTo("OPEN");
            }
        }
    }

    @Test
    void inc005_withoutItsTokenSaysWhereToSetIt() {
        RunbookRegistry registry = RunbookRegistry.load();
        RunbookArguments args = registry.arguments(
                "INC-005",
                Map.of("dependencyHealth", "http://127.0.0.1:1/health"),
                Map.of("integration-svc", Connection.of("integration-svc", "http://127.0.0.1:1")));
        assertThatThrownBy(() -> registry.find("INC-005").build(args))
                .hasMessageContaining("integration-svc.token=env:NAME");
    }

    @Test
    void everySeedRunbookWithItsModuleIsRegistered() {
        assertThat(RunbookRegistry.load().runbooks())
                .extracting(RunbookSpec::id)
                .contains(
                        "INC-001",
                        "INC-002",
                        "INC-003",
                        "INC-004",
                        "INC-005",
                        "INC-006",
                        "INC-007",
                        "INC-008",
                        "INC-009",
                        "INC-010",
                        "INC-012",
                        "DLQ-FLOOD",
                        "DATA-INTEGRITY",
                        "DLQ-GROWTH",
                        "INC-011",
                        "INC-011-UNFREEZE");
    }

    @Test
    void inc009_isBuiltFromItsDefaultsLikeTheHandWrittenOne() {
        RunbookRegistry registry = RunbookRegistry.load();
        String url = "http://127.0.0.1:1";
        try (RunbookArguments args = registry.arguments(
                        "INC-009", Map.of(), Map.of("elasticsearch", Connection.of("elasticsearch", url)));
                dev.runbook.elasticsearch.ElasticsearchActions es =
                        dev.runbook.elasticsearch.ElasticsearchActions.connect(url)) {
            assertThat(registry.find("INC-009").build(args).fingerprint())
                    .isEqualTo(ElasticsearchDrift.runbook(es).fingerprint());
        }
    }

    @Test
    void inc012_oneConnectionPerContext_isBuiltFromItsDefaultsLikeTheHandWrittenOne(@TempDir Path dir)
            throws Exception {
        RunbookRegistry registry = RunbookRegistry.load();
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        List<String> names = List.of("smp-asia", "smp-china", "smp-us");
        names.forEach(n -> y.append("- name: " + n + "\n  cluster:\n    server: http://127.0.0.1:1\n"));
        y.append("contexts:\n");
        names.forEach(n -> y.append("- name: " + n + "\n  context:\n    cluster: " + n + "\n    user: u\n"));
        y.append("users:\n- name: u\n  user:\n    token: t\ncurrent-context: smp-asia\n");
        Path kubeconfig = Files.writeString(dir.resolve("config"), y.toString());
        Map<String, Connection> connections = new java.util.HashMap<>();
        names.forEach(
                n -> connections.put(n, new Connection(n, n, Map.of("kubeconfig", kubeconfig.toString()), Map.of())));
        connections.put("mirrormaker", Connection.of("mirrormaker", CrossRegionReplicationLag.METRICS_URL));
        assertThat(registry.find("INC-012").connections())
                .extracting(c -> c.name() + ":" + c.kind())
                .containsExactly(
                        "smp-asia:kubernetes", "smp-china:kubernetes", "smp-us:kubernetes", "mirrormaker:http");
        try (RunbookArguments args = registry.arguments("INC-012", Map.of(), connections);
                K8sActions asia = K8sActions.connect(kubeconfig, "smp-asia");
                K8sActions china = K8sActions.connect(kubeconfig, "smp-china");
                K8sActions us = K8sActions.connect(kubeconfig, "smp-us")) {
            Runbook fromRegistry = registry.find("INC-012").build(args);
            Runbook byHand = CrossRegionReplicationLag.runbook(
                    asia, china, us, CrossRegionReplicationLag.lag(CrossRegionReplicationLag.METRICS_URL));
            assertThat(fromRegistry.fingerprint()).isEqualTo(byHand.fingerprint());
        }
    }

    @Test
    void inc002_isBuiltFromItsDefaultsLikeTheHandWrittenOne_theTokenNeverInItsText() {
        RunbookRegistry registry = RunbookRegistry.load();
        String mongoUri = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100";
        String admin = "http://127.0.0.1:1/admin/events/{id}/replay";
        Connection adminConn =
                new Connection("admin", admin, Map.of(), Map.of("token", dev.runbook.core.Secret.of("s3cr3t-token")));
        try (RunbookArguments args = registry.arguments(
                        "INC-002", Map.of(), Map.of("mongo", Connection.of("mongo", mongoUri), "admin", adminConn));
                dev.runbook.mongo.MongoActions mongo = dev.runbook.mongo.MongoActions.connect(mongoUri, "smp")) {
            Runbook fromRegistry = registry.find("INC-002").build(args);
            Runbook byHand = PaymentWebhookDlq.runbook(
                    mongo,
                    dev.runbook.core.http.Http.replayEndpoint(admin)
                            .header("Authorization", dev.runbook.core.Secret.of("Bearer s3cr3t-token"))
                            .build());
            assertThat(fromRegistry.fingerprint()).isEqualTo(byHand.fingerprint());
            assertThat(fromRegistry.toString()).doesNotContain("s3cr3t-token");
        }
    }

    @Test
    void inc010_isBuiltFromItsDefaultsLikeTheHandWrittenOne_andRefusesADateItCannotRead() {
        RunbookRegistry registry = RunbookRegistry.load();
        String url = "jdbc:mariadb://127.0.0.1:1/finance";
        Connection finance = new Connection(
                "finance", url, Map.of("user", "recon"), Map.of("password", dev.runbook.core.Secret.of("pw")));
        Connection kubernetes = new Connection(
                "kubernetes", "smp-asia", Map.of("kubeconfig", writeKubeconfig().toString()), Map.of());
        try (RunbookArguments args =
                        registry.arguments("INC-010", Map.of(), Map.of("finance", finance, "kubernetes", kubernetes));
                dev.runbook.sql.SqlActions sql =
                        dev.runbook.sql.SqlActions.connect(url, "recon", dev.runbook.core.Secret.of("pw"));
                dev.runbook.k8s.K8sActions k8s = dev.runbook.k8s.K8sActions.connect(
                        java.nio.file.Path.of(kubernetes.setting("kubeconfig").orElseThrow()), "smp-asia")) {
            LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
            assertThat(registry.find("INC-010").build(args).fingerprint())
                    .isEqualTo(WalletReconciliation.runbook(sql, k8s, yesterday).fingerprint());
        }
        RunbookArguments bad = registry.arguments(
                "INC-010", Map.of("reportDate", "7/12"), Map.of("finance", finance, "kubernetes", kubernetes));
        assertThatThrownBy(() -> registry.find("INC-010").build(bad))
                .hasMessageContaining("reportDate '7/12' is neither 'yesterday' nor a date such as 2026-12-06");
        bad.close();
    }

    private static java.nio.file.Path writeKubeconfig() {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("inc010-kubeconfig", ".yaml");
            f.toFile().deleteOnExit();
            java.nio.file.Files.writeString(
                    f,
                    "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
                            + "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: smp-asia\n  context: {cluster: c, user: u}\n"
                            + "current-context: smp-asia\n");
            return f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void inc003_withoutAJustification_isRefusedNamingIt() {
        RunbookRegistry registry = RunbookRegistry.load();
        assertThatThrownBy(() -> registry.arguments(
                        "INC-003",
                        Map.of(),
                        Map.of(
                                "replica", Connection.of("replica", "jdbc:mariadb://127.0.0.1:1/"),
                                "primary", Connection.of("primary", "jdbc:mariadb://127.0.0.1:2/"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("justification");
    }

    @Test
    void inc011_isBuiltFromItsArgumentsLikeTheHandWrittenOne_theTokenNeverInItsText() {
        RunbookRegistry registry = RunbookRegistry.load();
        String kubeconfig = kubeconfig();
        Connection kubernetes = new Connection("kubernetes", "smp-asia", Map.of("kubeconfig", kubeconfig), Map.of());
        Connection finance = new Connection(
                "finance-svc",
                "http://127.0.0.1:1",
                Map.of(),
                Map.of("token", dev.runbook.core.Secret.of("s3cr3t-jwt")));
        Connection partner = Connection.of("partner-svc", "http://127.0.0.1:2");
        try (RunbookArguments args = registry.arguments(
                        "INC-011",
                        Map.of("partner", "P001", "justification", "fraud_alert_INC-011-2026-05-28"),
                        Map.of("kubernetes", kubernetes, "finance-svc", finance, "partner-svc", partner));
                dev.runbook.k8s.K8sActions k8s =
                        dev.runbook.k8s.K8sActions.connect(java.nio.file.Path.of(kubeconfig), "smp-asia")) {
            Runbook fromRegistry = registry.find("INC-011").build(args);
            Runbook byHand = FraudPartnerFreeze.runbook(
                    k8s,
                    "http://127.0.0.1:1",
                    "http://127.0.0.1:2",
                    dev.runbook.core.Secret.of("Bearer s3cr3t-jwt"),
                    "P001",
                    "fraud_alert_INC-011-2026-05-28");
            assertThat(fromRegistry.fingerprint()).isEqualTo(byHand.fingerprint());
            assertThat(fromRegistry.toString()).doesNotContain("s3cr3t-jwt");
        }
    }

    @Test
    void inc011_withoutAJustificationOrAToken_isRefusedNamingIt() {
        RunbookRegistry registry = RunbookRegistry.load();
        Map<String, Connection> connections = Map.of(
                "kubernetes", new Connection("kubernetes", "smp-asia", Map.of("kubeconfig", kubeconfig()), Map.of()),
                "finance-svc", Connection.of("finance-svc", "http://127.0.0.1:1"),
                "partner-svc", Connection.of("partner-svc", "http://127.0.0.1:2"));
        assertThatThrownBy(() -> registry.arguments("INC-011", Map.of("partner", "P001"), connections))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("justification");
        try (RunbookArguments args =
                registry.arguments("INC-011", Map.of("partner", "P001", "justification", "fraud_alert"), connections)) {
            assertThatThrownBy(() -> registry.find("INC-011").build(args))
                    .hasMessageContaining("finance-svc.token=env:NAME");
        }
    }

    /** A kubeconfig with context smp-asia pointing at a port nothing listens on (nothing connects). */
    private static String kubeconfig() {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("kubeconfig", ".yaml");
            f.toFile().deleteOnExit();
            java.nio.file.Files.writeString(
                    f,
                    """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: smp-asia
                      cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
                    users:
                    - name: u
                      user: {token: t}
                    contexts:
                    - name: smp-asia
                      context: {cluster: smp-asia, user: u}
                    current-context: smp-asia
                    """);
            return f.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
