package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThrottleTest {

    @ParameterizedTest(name = "{0} permits/s")
    @ValueSource(doubles = {RateThrottle.MIN_RATE, 0.001, 0.5, 1, 3, 99, 100, 150, 12_345, 1e6, 2.5e6, 1e9, 1e12, 1e15})
    void theLimiterIsConfiguredForExactlyTheRequestedRate(double rate) {
        RateThrottle t = (RateThrottle) RateThrottle.of("test", rate);
        double actual = t.perPeriod() * 1e9 / t.period().toNanos();
        assertThat(actual).isCloseTo(rate, within(rate * 0.001));
        assertThat(t.perPeriod()).isPositive();
        assertThat(t.period()).isPositive();
        assertThat(t.permitsPerSecond()).isEqualTo(rate);
    }

    @Test
    void badRatesAndPermitsAreRefused_andInfinityMeansUnlimited() {
        assertThatThrownBy(() -> RateThrottle.of("keys", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'keys'")
                .hasMessageContaining("Throttle.unlimited()");
        assertThatThrownBy(() -> RateThrottle.of("keys", -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateThrottle.of("keys", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateThrottle.of("keys", 10).acquire(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RateThrottle.of("keys", Double.POSITIVE_INFINITY).permitsPerSecond())
                .isInfinite();
    }

    @Test
    void aLargeRequestAtAHighRate_takesAsLongAsTheRateSays() {
        Throttle t = RateThrottle.of("keys", 2_000_000);
        long start = System.nanoTime();
        t.acquire(1_000_000); // 10 ms of permits come at once; the rest at 2M/s: about 0.5 s
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(ms).isBetween(350L, 3_000L);
    }

    @Test
    void theLargestRequestAtAHugeRate_doesNotOverflow() {
        Throttle t = RateThrottle.of("bytes", 1e15);
        long start = System.nanoTime();
        t.acquire(Integer.MAX_VALUE);
        t.acquire(Integer.MAX_VALUE);
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(2_000L);
    }

    @Test
    void aSlowRate_waitsAPeriodBetweenPermits() {
        Throttle t = RateThrottle.of("probe", 5); // one permit per 200 ms
        long start = System.nanoTime();
        t.acquire(1); // the first period's permit is there at once
        t.acquire(1);
        t.acquire(1);
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(ms).isBetween(300L, 3_000L);
    }

    @Test
    void theContextSharesOneThrottlePerNameAndRate() {
        ActionContext ctx = ActionContext.standalone();
        assertThat(ctx.throttle("keys", 10)).isSameAs(ctx.throttle("keys", 10));
        assertThat(ctx.throttle("keys", 10)).isNotSameAs(ctx.throttle("keys", 20));
        Throttle.unlimited().acquire(Integer.MAX_VALUE);
    }

    @Test
    void anInterruptedWaitStops_keepingTheInterruptFlag() {
        Throttle t = RateThrottle.of("slow", 0.01); // one permit per 100 s
        t.acquire(1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> t.acquire(1))
                    .isInstanceOf(RunbookException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
