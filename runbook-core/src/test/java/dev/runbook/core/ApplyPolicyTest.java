package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApplyPolicyTest {
    private final Fixtures f = new Fixtures();

    @Test
    void aStepPastItsTimeout_isUnknown_andStopsTheRunWithoutRollback() throws Exception {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2").beforeChange(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunbookException("interrupted", e);
            }
        });
        SetValue c = f.set("c", "2");
        Runbook rb = Runbook.builder("INC-6", "timeout")
                .onFailure(OnFailure.ROLLBACK)
                .step("set a", a)
                .step("set b", b)
                .step("set c", c)
                .build();
        RunbookEngine engine = f.engine().stepTimeout(Duration.ofMillis(300)).build();
        Plan plan = engine.plan(rb);

        long start = System.nanoTime();
        Report report = engine.apply(rb, plan);
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();

        assertThat(ms).isLessThan(5_000);
        assertThat(report.step("set-b").outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(report.step("set-b").message())
                .contains("may still be running")
                .contains("map key b");
        assertThat(report.step("set-c").outcome()).isEqualTo(Outcome.NOT_ATTEMPTED);
        assertThat(report.steps()).noneMatch(s -> s.stepId().startsWith("rollback-"));
        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        Thread.sleep(200);
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "1").containsEntry("c", "1");
        f.audit.assertPaired();
    }

    @Test
    void retriableUnavailability_isRetried_otherFailuresAreNot() {
        AtomicInteger failures = new AtomicInteger(2);
        SetValue flaky = f.set("a", "2").beforeChange(() -> {
            if (failures.getAndDecrement() > 0) {
                throw new TargetUnavailableException("connection reset", null, true);
            }
        });
        SetValue refused = f.set("b", "2").beforeChange(() -> {
            throw new TargetUnavailableException("wrong password", null, false);
        });
        Runbook rb = Runbook.builder("INC-6", "retry")
                .onFailure(OnFailure.CONTINUE)
                .step("flaky", flaky)
                .step("refused", refused)
                .build();
        RunbookEngine engine = f.engine().retries(3, Duration.ofMillis(1)).build();

        Report report = engine.apply(rb, engine.plan(rb));

        assertThat(report.step("flaky").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(flaky.applies.get()).isEqualTo(3);
        assertThat(report.step("refused").error()).contains("wrong password");
        assertThat(refused.applies.get()).isEqualTo(1);
    }
}
