package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRoundTripTest {
    private final Fixtures f = new Fixtures();

    /** State with every kind of number and time an action records. */
    record Observed(int small, long big, double ratio, float f, Instant at, Duration took, List<Long> ids) {}

    private Action numbers() {
        return new Action() {
            @Override
            public String type() {
                return "test.numbers";
            }

            @Override
            public Object parameters() {
                return Map.of("rate", 100_000.0);
            }

            @Override
            public String target() {
                return "numbers";
            }

            @Override
            public StepPlan plan(ActionContext ctx) {
                Observed o = new Observed(
                        7,
                        5_000_000_000L,
                        0.93,
                        0.1f,
                        Instant.parse("2026-11-21T03:00:00.123456789Z"),
                        Duration.ofNanos(1_500_000_001L),
                        List.of(1L, 2L));
                return StepPlan.builder(this)
                        .summary("touch the numbers")
                        .before(o)
                        .after(Map.of("small", 8))
                        .blastRadius("keys", 3)
                        .rate("keys/s", 1.5)
                        .rate("unlinks/s", 100_000.0)
                        .resource("numbers:1")
                        .warning("kept 'lock:1'")
                        .details(Map.of("histogram", Map.of("cache:", 12, "tmp:", 3L)))
                        .build();
            }

            @Override
            public ApplyResult apply(StepPlan plan, ActionContext ctx) {
                plan.requireUnchanged(plan.before(Observed.class));
                return ApplyResult.changed("touched")
                        .count("keys", 3)
                        .item("numbers:1", Outcome.CHANGED, "7 -> 8")
                        .details(plan.before(Observed.class))
                        .build();
            }

            @Override
            public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
                return Verification.passed("numbers are fine", Map.of("small", 8, "ratio", 0.5));
            }
        };
    }

    private Runbook runbook() {
        return Runbook.builder("INC-11", "json")
                .severity(Severity.SEV1)
                .service("wms")
                .link("https://wiki/INC-11")
                .precheck("ratio is high", Probe.of("ratio", () -> 0.93), Conditions.above(0.9))
                .step("touch", numbers())
                .manual("tell", "post in #oncall")
                .build();
    }

    @Test
    void plan_equalsItselfAfterJson_andStaysApplicable() {
        RunbookEngine engine = f.engine().build();
        Runbook rb = runbook();
        Plan plan = engine.plan(rb);

        Plan back = Plan.fromJson(plan.toJson());

        assertThat(back).isEqualTo(plan);
        assertThat(back.toJson()).isEqualTo(plan.toJson());
        assertThat(back.isIntact()).isTrue();
        assertThat(back.step("touch").action().before(Observed.class).at())
                .isEqualTo(Instant.parse("2026-11-21T03:00:00.123456789Z"));
        assertThat(plan.toJson()).doesNotContain("\"noop\"").doesNotContain("\"ready\"");
        assertThat(engine.apply(rb, back).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    /**
     * jq (1.6), JavaScript's JSON.stringify and Go write a double such as 100000.0 as 100000: a plan that a
     * review tool or a bot passed through them is the same plan, still intact and applicable.
     */
    @Test
    void plan_withIntegralDoubles_writtenAsIntegers_byJqOrJavaScript_staysIntactAndApplicable() throws Exception {
        RunbookEngine engine = f.engine().build();
        Runbook rb = runbook();
        Plan plan = engine.plan(rb);
        assertThat(plan.toJson()).contains("100000.0");

        String rewritten = Json.write(asJqWritesIt(Json.mapper().readTree(plan.toJson())));
        assertThat(rewritten).doesNotContain("100000.0").contains("100000");
        Plan back = Plan.fromJson(rewritten);

        assertThat(back.isIntact()).isTrue();
        assertThat(back.fingerprint()).isEqualTo(plan.fingerprint());
        assertThat(engine.apply(rb, back).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    /** Every floating-point number with an integral value written as an integer, as jq does. */
    private static com.fasterxml.jackson.databind.JsonNode asJqWritesIt(com.fasterxml.jackson.databind.JsonNode n) {
        if (n.isFloatingPointNumber() && n.doubleValue() == Math.rint(n.doubleValue())) {
            return com.fasterxml.jackson.databind.node.LongNode.valueOf(n.longValue());
        }
        if (n.isObject()) {
            var o = Json.mapper().createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), asJqWritesIt(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            var a = Json.mapper().createArrayNode();
            n.forEach(e -> a.add(asJqWritesIt(e)));
            return a;
        }
        return n;
    }

    @Test
    void report_equalsItselfAfterJson() {
        RunbookEngine engine = f.engine().build();
        Runbook rb = runbook();
        Report report = engine.apply(rb, engine.plan(rb));
        f.clock.advance(Duration.ofNanos(1));

        Report back = Report.fromJson(report.toJson());

        assertThat(back).isEqualTo(report);
        assertThat(back.step("touch").items()).singleElement().satisfies(i -> assertThat(i.detail())
                .isEqualTo("7 -> 8"));
        assertThat(back.step("touch").details().get("big").asLong()).isEqualTo(5_000_000_000L);
    }

    @Test
    void stepPlan_withNumbersOfEveryWidth_equalsItselfAfterJson() {
        StepPlan sp = numbers().plan(ActionContext.standalone());
        StepPlan back = Json.read(Json.write(sp), StepPlan.class);
        assertThat(back).isEqualTo(sp);
        assertThat(back.fingerprint()).isEqualTo(sp.fingerprint());
    }
}
