package dev.runbook.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import org.junit.jupiter.api.Test;

class FakesTest {

    @Test
    void fakeProbe_givesItsScriptThenRepeatsTheLastValue() {
        FakeProbe<Double> memory = FakeProbe.of("memory ratio", 0.95, 0.85, 0.62);

        assertThat(memory.read()).isEqualTo(0.95);
        assertThat(memory.read()).isEqualTo(0.85);
        assertThat(memory.read()).isEqualTo(0.62);
        assertThat(memory.read()).isEqualTo(0.62);
        assertThat(memory.reads()).isEqualTo(4);
        assertThat(memory.name()).isEqualTo("memory ratio");
    }

    @Test
    void fakeProbe_canFailOnceAndBeSet() {
        FakeProbe<Long> lag = FakeProbe.of("lag", 5_000L);
        lag.read();
        lag.failNext("kafka went away");

        assertThatThrownBy(lag::read)
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessage("kafka went away");
        assertThat(lag.read()).isEqualTo(5_000L);
        lag.set(0L);
        assertThat(lag.read()).isZero();
        assertThat(lag.then(7L).read()).isEqualTo(7L);
    }

    @Test
    void fakeAction_scriptsFailuresAndCountsCalls() {
        FakeAction flush = FakeAction.of("flush", "keys", 10);
        ActionContext ctx = ActionContext.standalone();
        flush.failNextApply(() -> new TargetUnavailableException("redis went away", null));

        var plan = flush.plan(ctx);
        assertThatThrownBy(() -> flush.apply(plan, ctx)).hasMessage("redis went away");
        assertThat(flush.isDone()).isFalse();
        var result = flush.apply(plan, ctx);

        assertThat(result.count("keys")).isEqualTo(10);
        assertThat(flush.applies()).isEqualTo(1);
        assertThat(flush.plans()).isEqualTo(1);
        flush.failVerifications(1);
        assertThat(flush.verify(plan, result, ctx).status()).isEqualTo(Verification.Status.FAILED);
        assertThat(flush.verify(plan, result, ctx).status()).isEqualTo(Verification.Status.PASSED);
        flush.failPlans(() -> new RefusedException("pattern matches everything"));
        assertThatThrownBy(() -> flush.plan(ctx)).isInstanceOf(RefusedException.class);
    }

    @Test
    void fakeAction_rejectsBadInputs() {
        assertThatThrownBy(() -> FakeAction.builder("", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type and a target");
        assertThatThrownBy(() -> FakeAction.of("flush", "keys", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be >= 0");
    }
}
