package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunbookBuilderTest {
    private final Fixtures f = new Fixtures();

    @Test
    void aRunbookWithoutStepsIsRefused_sayingWhatToAdd() {
        assertThatThrownBy(() -> Runbook.builder("INC-1", "empty").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INC-1 has no steps")
                .hasMessageContaining("add a precheck");
    }

    @Test
    void aBlankIdOrTitleIsRefusedAtOnce() {
        assertThatThrownBy(() -> Runbook.builder(" ", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("such as INC-004");
        assertThatThrownBy(() -> Runbook.builder(null, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Runbook.builder("INC-1", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void duplicateStepIdsAreRefused() {
        Step one = new Step.Manual("x", "x", "do x");
        Step two = new Step.Manual("x", "y", "do y");
        assertThatThrownBy(() ->
                        new Runbook("INC-1", "t", Severity.SEV2, null, List.of(), List.of(one, two), OnFailure.STOP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two steps with id 'x'");
    }

    @Test
    void stepIdsAreNumberedSlugs_andStableAcrossBuilds() {
        Runbook rb = build("2");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly("memory-is-high", "flush-the-stock-cache", "memory-recovers", "tell-the-team");
        assertThat(rb.fingerprint()).isEqualTo(build("2").fingerprint());
        assertThat(rb.fingerprint())
                .as("the fingerprint is the runbook's structure; parameters are bound per step (PlanBindingTest)")
                .isEqualTo(build("3").fingerprint());
        assertThat(rb.toString()).contains("INC-004 · Redis OOM (SEV-2, wms)").contains("flush-the-stock-cache");
    }

    @Test
    void badBuilderValuesAreIllegalArguments() {
        assertThatThrownBy(() -> Runbook.builder("INC-1", "t").verifyTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunbookEngine.builder().retries(0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunbookEngine.builder().stepTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Approval.granted(" ", "r")).isInstanceOf(IllegalArgumentException.class);
    }

    private Runbook build(String value) {
        Probe<Double> memory = Probe.of("redis memory ratio", () -> 0.93);
        return Runbook.builder("INC-004", "Redis OOM")
                .severity(Severity.SEV2)
                .service("wms")
                .precheck("memory is high", memory, Conditions.above(0.9))
                .step("flush the stock cache", f.set("a", value))
                .waitUntil("memory recovers", memory, Conditions.below(0.8), Duration.ofMinutes(2))
                .manual("tell the team", "Post in #wms-oncall that the stock cache was flushed")
                .build();
    }
}
