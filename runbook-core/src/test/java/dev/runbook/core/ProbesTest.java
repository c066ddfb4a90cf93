package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbesTest {
    private final FakeClock clock = new FakeClock("2026-11-21T03:00:00Z");

    @Test
    void waitUntil_pollsWithTheFakeClockUntilTheConditionHolds() {
        AtomicInteger lag = new AtomicInteger(5_000);
        Probe<Integer> probe = Probe.of("orders lag", () -> lag.getAndAdd(-1_000));

        WaitResult<Integer> r = Probes.waitUntil(
                probe, Conditions.atMost(1_000), Duration.ofMinutes(5), Duration.ofSeconds(10), clock, clock);

        assertThat(r.satisfied()).isTrue();
        assertThat(r.lastValue()).isEqualTo(1_000);
        assertThat(r.reads()).isEqualTo(5);
        assertThat(r.waited()).isEqualTo(Duration.ofSeconds(40));
        assertThat(r.toString()).startsWith("satisfied: orders lag <= 1000");
    }

    @Test
    void waitUntil_timesOutWithoutThrowing_andKeepsTheLastError() {
        AtomicInteger reads = new AtomicInteger();
        Probe<Double> probe = Probe.of("memory ratio", () -> {
            if (reads.incrementAndGet() > 2) {
                throw new TargetUnavailableException("redis refused the connection", null);
            }
            return 0.95;
        });

        WaitResult<Double> r = Probes.waitUntil(
                probe, Conditions.below(0.8), Duration.ofSeconds(25), Duration.ofSeconds(10), clock, clock);

        assertThat(r.satisfied()).isFalse();
        assertThat(r.reads()).isEqualTo(4); // at 0, 10, 20 and 25 s
        assertThat(r.waited()).isEqualTo(Duration.ofSeconds(25));
        assertThat(r.lastError()).contains("refused");
        assertThat(r.toString()).startsWith("timed out: memory ratio < 0.8").contains("last error");
    }

    @Test
    void waitUntil_refusesANonPositivePoll() {
        assertThatThrownBy(() -> Probes.waitUntil(
                        Probe.of("x", () -> 1), Conditions.zero(), Duration.ofSeconds(1), Duration.ZERO, clock, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void conditions_describeThemselvesAndTest() {
        assertThat(Conditions.above(0.9).test(0.93)).isTrue();
        assertThat(Conditions.above(0.9).test(0.9)).isFalse();
        assertThat(Conditions.below(0.8).description()).isEqualTo("< 0.8");
        assertThat(Conditions.atLeast(3).test(3)).isTrue();
        assertThat(Conditions.atMost(3).description()).isEqualTo("<= 3");
        assertThat(Conditions.zero().test(0L)).isTrue();
        assertThat(Conditions.equalTo("PRIMARY").test("REPLICA")).isFalse();
        assertThat(Conditions.isTrue().test(null)).as("null never satisfies").isFalse();
        assertThat(Probe.of("n", () -> 4).map("n squared", n -> n * n).read()).isEqualTo(16);
    }

    @Test
    void aWaitStepFailsTheRunWhenItTimesOut() {
        Runbook rb = Runbook.builder("INC-2", "wait")
                .waitUntil("lag drains", Probe.of("lag", () -> 10), Conditions.zero(), Duration.ofMinutes(1))
                .build();
        RunbookEngine engine =
                RunbookEngine.builder().clock(clock).sleeper(clock).build();
        Report report = engine.apply(rb, engine.plan(rb));
        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.step("lag-drains").error()).startsWith("WaitTimedOut").contains("lag == 0");
        assertThat(report.step("lag-drains").duration()).isEqualTo(Duration.ofMinutes(1));
    }
}
