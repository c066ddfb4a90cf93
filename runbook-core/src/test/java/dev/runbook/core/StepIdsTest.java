package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepIdsTest {
    private final Fixtures f = new Fixtures();

    private static List<String> ids(Runbook rb) {
        return rb.steps().stream().map(Step::id).toList();
    }

    @Test
    void derivedIdsComeFromTheTitleSoInsertingAStepRenamesNoOther() {
        Runbook before = Runbook.builder("ORD-1", "cache")
                .step("delete the orders cache", f.set("a", "2"))
                .manual("tell the team", "post in #orders")
                .build();
        Runbook after = Runbook.builder("ORD-1", "cache")
                .precheck("the cache is poisoned", Probe.of("p", () -> 1), Conditions.above(0))
                .step("delete the orders cache", f.set("a", "2"))
                .manual("tell the team", "post in #orders")
                .build();
        assertThat(ids(before)).containsExactly("delete-the-orders-cache", "tell-the-team");
        assertThat(ids(after)).containsExactly("the-cache-is-poisoned", "delete-the-orders-cache", "tell-the-team");
    }

    @Test
    void aRepeatedTitleGetsASuffix() {
        Runbook rb = Runbook.builder("ORD-1", "twice")
                .step("set", f.set("a", "2"))
                .step("set", f.set("b", "2"))
                .step("set", f.set("c", "2"))
                .build();
        assertThat(ids(rb)).containsExactly("set", "set-2", "set-3");
    }

    @Test
    void anExplicitIdNamesTheStepAddedLast_andIsKeptByLaterDerivedIds() {
        Runbook rb = Runbook.builder("ORD-1", "explicit")
                .step("delete the orders cache", f.set("a", "2"))
                .id("delete-cache")
                .step("delete cache", f.set("b", "2"))
                .build();
        assertThat(ids(rb)).containsExactly("delete-cache", "delete-cache-2");
        assertThat(rb.step("delete-cache").title()).isEqualTo("delete the orders cache");
    }

    @Test
    void aBadOrRepeatedExplicitIdIsRefusedNamingIt() {
        assertThatThrownBy(() -> Runbook.builder("ORD-1", "t").id("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("add a step first");
        assertThatThrownBy(() ->
                        Runbook.builder("ORD-1", "t").step("a", f.set("a", "2")).id("has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'has space'")
                .hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> Runbook.builder("ORD-1", "t")
                        .step("a", f.set("a", "2"))
                        .step("b", f.set("b", "2"))
                        .id("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a step with id 'a'");
    }

    @Test
    void toStringAlignsLongIds_andTheBuilderAndEngineSayWhatTheyHold() {
        Runbook rb = Runbook.builder("ORD-1", "long ids")
                .step("a title that is much longer than twenty-eight characters", f.set("a", "2"))
                .manual("short", "x")
                .build();
        List<String> lines = rb.toString().lines().skip(1).toList();
        assertThat(lines.get(0).indexOf("ACTION")).isEqualTo(lines.get(1).indexOf("MANUAL"));
        assertThat(Runbook.builder("ORD-1", "b").manual("m", "x").toString())
                .isEqualTo("Runbook.Builder[ORD-1 'b', 1 step: [m]]");
        assertThat(RunbookEngine.builder().environment("prod").build().toString())
                .startsWith("RunbookEngine[environment prod, actor ")
                .contains("connect timeout 5s");
    }

    @Test
    void checksPrintMeasuredDoublesShort() {
        Runbook rb = Runbook.builder("ORD-1", "ratio")
                .precheck("memory is high", Probe.of("memory ratio", () -> 0.9014536658064926), Conditions.above(0.9))
                .build();
        Plan plan = f.engine().build().plan(rb);
        assertThat(plan.steps().get(0).summary()).isEqualTo("memory ratio > 0.9: 0.9015 holds");
    }
}
