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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
