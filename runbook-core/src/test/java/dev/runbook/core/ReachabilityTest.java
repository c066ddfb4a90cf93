package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReachabilityTest {
    private final Fixtures f = new Fixtures();

    /** An action on a named endpoint whose check never returns (a server that accepts and never answers). */
    private Action on(Endpoint endpoint, String key) {
        SetValue real = f.set(key, "2");
        return new Action() {
            @Override
            public String type() {
                return real.type();
            }

            @Override
            public String target() {
                return real.target();
            }

            @Override
            public StepPlan plan(ActionContext ctx) {
                return real.plan(ctx);
            }

            @Override
            public ApplyResult apply(StepPlan plan, ActionContext ctx) {
                return real.apply(plan, ctx);
            }

            @Override
            public Object parameters() {
                return real.parameters();
            }

            @Override
            public Optional<Endpoint> endpoint() {
                return Optional.of(endpoint);
            }
        };
    }

    @Test
    void aServerThatDoesNotAnswerIsCheckedOnceAndEveryStepOnItIsRefusedWithoutWaitingAgain() {
        AtomicInteger checks = new AtomicInteger();
        Endpoint hung = Endpoint.of("kafka 127.0.0.1:1", timeout -> {
            checks.incrementAndGet();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runbook rb = Runbook.builder("ORD-2", "stuck group")
                .precheck("lag is high", Probe.of("lag", hung, () -> 5L), Conditions.above(0))
                .step("reset a", on(hung, "a"))
                .step("reset b", on(hung, "b"))
                .build();
        RunbookEngine engine = f.engine().connectTimeout(Duration.ofMillis(300)).build();
        long t0 = System.nanoTime();
        Plan plan = engine.plan(rb);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(checks).hasValue(1);
        assertThat(seconds).as("one check, not one wait per step").isLessThan(5);
        assertThat(plan.isReady()).isFalse();
        assertThat(plan.steps().get(0).summary()).contains("kafka 127.0.0.1:1 did not answer within 300ms");
        assertThat(plan.refusals())
                .anySatisfy(r -> assertThat(r)
                        .startsWith("reset-a")
                        .contains("did not answer within 300ms")
                        .contains("found when planning step lag-is-high; not checked again for this plan"))
                .anySatisfy(r -> assertThat(r).startsWith("reset-b").contains("not checked again"));
        assertThat(f.store).containsEntry("a", "1").containsEntry("b", "1");
    }

    @Test
    void aServerThatAnswersIsCheckedOncePerPlan_andEachPlanChecksAgain() {
        AtomicInteger checks = new AtomicInteger();
        Endpoint up = Endpoint.of("redis://127.0.0.1:6390", timeout -> checks.incrementAndGet());
        Runbook rb = Runbook.builder("ORD-1", "cache")
                .step("set a", on(up, "a"))
                .step("set b", on(up, "b"))
                .build();
        RunbookEngine engine = f.engine().build();
        assertThat(engine.plan(rb).isReady()).isTrue();
        assertThat(checks).hasValue(1);
        engine.plan(rb);
        assertThat(checks).hasValue(2);
    }

    @Test
    void aCheckThatFailsQuicklyKeepsItsMessage() {
        Endpoint refused = Endpoint.of("redis://127.0.0.1:1", timeout -> {
            throw new TargetUnavailableException("redis://127.0.0.1:1 could not connect: Connection refused", null);
        });
        Plan plan = f.engine()
                .build()
                .plan(Runbook.builder("ORD-1", "cache")
                        .step("set a", on(refused, "a"))
                        .build());
        assertThat(plan.refusals()).singleElement().asString().contains("Connection refused");
    }
}
