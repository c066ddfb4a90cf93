package dev.runbook.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class (or method) that plans and applies runbooks: test and {@code @BeforeEach}
 * methods may take a {@link dev.runbook.core.RunbookEngine}, the {@link MutableClock} it runs on (waits advance it
 * instead of sleeping), the {@link RecordingAuditSink} it audits to, and the {@link TestApprovals} it
 * asks (approving everything unless told otherwise). Each test gets fresh ones.
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

    /** The environment the engine plans for ({@code prod} makes guards that need approval in prod apply). */
    String environment() default "test";

    /** The actor recorded in the audit. */
    String actor() default "runbook-test";

    /** The incident recorded in the audit, if any. */
    String incident() default "";
}
