package dev.runbook.test;

import dev.runbook.core.RunbookEngine;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class (or method) that plans and applies runbooks: test and {@code @BeforeEach}
 * methods may take a {@link dev.runbook.core.RunbookEngine}, the {@link MutableClock} it runs on (waits advance it
 * instead of sleeping), the {@link RecordingAuditSink} it audits to, and the {@link TestApprovals} it
 * asks (approving everything unless told otherwise). Each test gets fresh ones.
 *
 * <p>To test with the team's production settings (guards, environment, timeouts), name a class of yours
 * that configures a {@link dev.runbook.core.RunbookEngine.Builder} in {@link #engine()}: the same class
 * your production code builds its engine with. The kit applies it, then puts back its own clock,
 * approvals and journal, so that tests stay fast and decide approvals themselves:
 *
 * <pre>{@code
 * public final class OrdersEngine implements Consumer<RunbookEngine.Builder> {   // production code
 *     public void accept(RunbookEngine.Builder b) {
 *         b.environment("prod").guards(Guards.defaults().toBuilder().budget("keys", 50_000).build());
 *     }
 * }
 * @RunbookTest(engine = OrdersEngine.class)                                     // the team's test
 * class PoisonedCacheRunbookTest { ... }
 * }</pre>
 *
 * <pre>{@code
 * @RunbookTest
 * class FlushRunbookTest {
 *     @Test
 *     void flushes(RunbookEngine engine, RecordingAuditSink audit) {
 *         Plan plan = engine.plan(runbook);
 *         assertThat(engine.apply(runbook, plan)).succeeded();
 *         audit.assertPaired();
 *     }
 * }
 * }</pre>
 *
 * @see RunbookEngineExtension
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RunbookEngineExtension.class)
public @interface RunbookTest {

    /** Where the clock starts, as an ISO-8601 instant. */
    String clock() default "2026-11-21T03:00:00Z";

    /**
     * The engine settings of the code under test: a class with a no-argument constructor that configures
     * a {@link dev.runbook.core.RunbookEngine.Builder} (guards, environment, retries, timeouts, audit
     * sinks, binding key). Applied after the kit's defaults; the kit's clock, sleeper, approvals and
     * in-memory journal then replace the ones it set. None unless set.
     */
    Class<? extends Consumer<RunbookEngine.Builder>> engine() default NoSettings.class;

    /**
     * The environment the engine plans for ({@code prod} makes guards that need approval in prod apply).
     * Unless set, the one {@link #engine()} sets, else {@code test}.
     */
    String environment() default "";

    /** The actor recorded in the audit. */
    String actor() default "runbook-test";

    /** The incident recorded in the audit, if any. */
    String incident() default "";

    /** The default of {@link #engine()}: changes nothing. */
    final class NoSettings implements Consumer<RunbookEngine.Builder> {
        @Override
        public void accept(RunbookEngine.Builder builder) {}
    }
}
