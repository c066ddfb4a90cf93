package dev.runbook.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Runbook;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunbookRegistryTest {

    /** Registered in src/test/resources/META-INF/services. */
    public static final class TestProvider implements RunbookProvider {
        @Override
        public List<RunbookSpec> runbooks() {
            return List.of(RunbookSpec.builder("TEST-001", "A test runbook")
                    .severity(Severity.SEV3)
                    .description("tells the team")
                    .connection("svc", "http", "the service")
                    .parameter(ParameterSpec.of("ratio", ParameterType.DECIMAL, "0.9", "a threshold"))
                    .parameter(ParameterSpec.of("timeout", ParameterType.DURATION, "2m", "how long"))
                    .parameter(ParameterSpec.of("limit", ParameterType.INTEGER, "100_000", "how many"))
                    .parameter(ParameterSpec.of("dry", ParameterType.BOOLEAN, "false", "a flag"))
                    .parameter(ParameterSpec.required("team", ParameterType.STRING, "who to tell"))
                    .build(args -> Runbook.builder("TEST-001", "A test runbook")
                            .manual(
                                    "tell " + args.string("team"),
                                    "post on " + args.connection("svc").url() + " within " + args.duration("timeout"))
                            .build()));
        }

        @Override
        public String name() {
            return "test";
        }
    }

    private static final Map<String, Connection> SVC = Map.of("svc", Connection.of("svc", "http://127.0.0.1:1"));

    @Test
    void load_findsProvidersWithServiceLoader() {
        RunbookRegistry registry = RunbookRegistry.load();
        assertThat(registry.runbooks()).extracting(RunbookSpec::id).contains("TEST-001");
        assertThat(registry.provider("TEST-001")).contains("test");
        RunbookSpec spec = registry.find("TEST-001");
        assertThat(spec.parameters())
                .extracting(ParameterSpec::name)
                .containsExactly("ratio", "timeout", "limit", "dry", "team");
        assertThat(spec.connections()).extracting(ConnectionSpec::kind).containsExactly("http");
    }

    @Test
    void arguments_parsesTypesAndFillsDefaults() {
        RunbookRegistry registry = RunbookRegistry.of(new TestProvider());
        try (RunbookArguments args =
                registry.arguments("TEST-001", Map.of("ratio", "0.95", "team", "wms", "timeout", "30s"), SVC)) {
            assertThat(args.decimal("ratio")).isEqualTo(0.95);
            assertThat(args.duration("timeout")).isEqualTo(Duration.ofSeconds(30));
            assertThat(args.integer("limit")).isEqualTo(100_000L);
            assertThat(args.bool("dry")).isFalse();
            Runbook rb = registry.find("TEST-001").build(args);
            assertThat(rb.id()).isEqualTo("TEST-001");
            assertThat(rb.steps()).hasSize(1);
            assertThat(rb.steps().get(0).title()).isEqualTo("tell wms");
        }
    }

    @Test
    void arguments_refusesUnknownMissingAndMistypedValues() {
        RunbookRegistry registry = RunbookRegistry.of(new TestProvider());
        assertThatThrownBy(() -> registry.arguments("TEST-999", Map.of(), SVC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no runbook 'TEST-999'")
                .hasMessageContaining("[TEST-001]");
        assertThatThrownBy(() -> registry.arguments("TEST-001", Map.of("team", "x", "ratoi", "1"), SVC))
                .hasMessageContaining("no parameter 'ratoi'")
                .hasMessageContaining("[ratio, timeout, limit, dry, team]");
        assertThatThrownBy(() -> registry.arguments("TEST-001", Map.of(), SVC))
                .hasMessageContaining("needs parameter 'team'");
        assertThatThrownBy(() -> registry.arguments("TEST-001", Map.of("team", "x", "ratio", "high"), SVC))
                .hasMessageContaining("parameter 'ratio': 'high' is not a number");
        assertThatThrownBy(() -> registry.arguments("TEST-001", Map.of("team", "x", "timeout", "soon"), SVC))
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> registry.arguments("TEST-001", Map.of("team", "x", "dry", "yes"), SVC))
                .hasMessageContaining("'yes' is not true or false");
        assertThatThrownBy(() -> registry.arguments("TEST-001", Map.of("team", "x"), Map.of()))
                .hasMessageContaining("needs connection 'svc' (http: the service)");
    }

    @Test
    void durations_inShortAndIsoForms() {
        assertThat(ParameterType.DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ParameterType.DURATION.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ParameterType.DURATION.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ParameterType.DURATION.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> ParameterType.DURATION.parse("2 weeks")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void specs_refuseDuplicatesAndBadDefaults() {
        assertThatThrownBy(() -> ParameterSpec.of("n", ParameterType.INTEGER, "many", ""))
                .hasMessageContaining("the default of parameter 'n'");
        assertThatThrownBy(() -> new ParameterSpec("n", ParameterType.INTEGER, null, "", false))
                .hasMessageContaining("needs a default");
        assertThatThrownBy(() -> RunbookSpec.builder("X", "x")
                        .parameter(ParameterSpec.of("a", ParameterType.STRING, "", ""))
                        .parameter(ParameterSpec.of("a", ParameterType.STRING, "", ""))
                        .build(args -> null))
                .hasMessageContaining("declares parameter 'a' twice");
        RunbookProvider twice = () -> List.of(RunbookSpec.builder("X", "x").build(args -> null));
        assertThatThrownBy(() -> RunbookRegistry.of(twice, twice)).hasMessageContaining("ids must be unique");
    }

    @Test
    void build_refusesAFactoryThatBuildsAnotherId() {
        RunbookSpec spec = RunbookSpec.builder("X-1", "x")
                .build(args -> Runbook.builder("X-2", "x").manual("a", "b").build());
        assertThatThrownBy(() -> spec.build(RunbookArguments.of("X-1", Map.of(), Map.of())))
                .hasMessageContaining("built a runbook with id X-2");
    }

    @Test
    void close_closesWhatTheRunbookOpened_lastFirst_andConnectionsNeverPrintSecrets() {
        List<String> closed = new ArrayList<>();
        RunbookArguments args = RunbookArguments.of("X", Map.of(), Map.of());
        args.closeLater(() -> closed.add("first"));
        args.closeLater(() -> closed.add("second"));
        args.close();
        assertThat(closed).containsExactly("second", "first");
        Connection c = new Connection("redis", "redis://h:1", Map.of(), Map.of("password", Secret.of("hunter2")));
        assertThat(c.toString()).doesNotContain("hunter2").contains("secrets [password]");
        assertThat(c.secret("password").orElseThrow().reveal()).isEqualTo("hunter2");
    }
}
