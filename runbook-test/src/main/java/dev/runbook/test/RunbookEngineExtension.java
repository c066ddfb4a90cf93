package dev.runbook.test;

import dev.runbook.core.Journal;
import dev.runbook.core.RunbookEngine;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link RunbookTest}: resolves a {@link RunbookEngine}, its {@link
 * MutableClock}, {@link RecordingAuditSink} and {@link TestApprovals}, fresh for each test and shared
 * between the test and its {@code @BeforeEach} methods. The engine journals in memory and retries a
 * retriable failure three times with a 1 ms backoff.
 *
 * <pre>{@code
 * @ExtendWith(RunbookEngineExtension.class)
 * class MyRunbookTest { @Test void plans(RunbookEngine engine) { ... } }
 * }</pre>
 */
public final class RunbookEngineExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(RunbookEngineExtension.class);

    /** Everything one test gets. */
    private record Rig(MutableClock clock, RecordingAuditSink audit, TestApprovals approvals, RunbookEngine engine) {}

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == RunbookEngine.class
                || type == MutableClock.class
                || type == RecordingAuditSink.class
                || type == TestApprovals.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (extensionContext.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException(
                    "@RunbookTest resolves parameters of test and @BeforeEach methods only, not of "
                            + parameterContext.getDeclaringExecutable());
        }
        Rig rig = extensionContext.getStore(NS).getOrComputeIfAbsent(Rig.class, k -> rig(extensionContext), Rig.class);
        Class<?> type = parameterContext.getParameter().getType();
        if (type == RunbookEngine.class) {
            return rig.engine();
        }
        if (type == MutableClock.class) {
            return rig.clock();
        }
        if (type == RecordingAuditSink.class) {
            return rig.audit();
        }
        return rig.approvals();
    }

    private static Rig rig(ExtensionContext ctx) {
        RunbookTest settings =
                find(ctx.getTestMethod()).or(() -> find(ctx.getTestClass())).orElseGet(Defaults::settings);
        MutableClock clock = MutableClock.at(settings.clock());
        RecordingAuditSink audit = new RecordingAuditSink();
        TestApprovals approvals = TestApprovals.approvingAll();
        RunbookEngine.Builder b = RunbookEngine.builder()
                .audit(audit)
                .actor(settings.actor())
                .environment("test")
                .retries(3, Duration.ofMillis(1));
        if (!settings.incident().isEmpty()) {
            b.incident(settings.incident());
        }
        teamSettings(settings.engine()).accept(b);
        // after the team's settings: tests run on the test clock, decide approvals, journal in memory
        b.clock(clock).sleeper(clock).approvals(approvals).journal(Journal.inMemory());
        if (!settings.environment().isEmpty()) {
            b.environment(settings.environment());
        }
        return new Rig(clock, audit, approvals, b.build());
    }

    private static Consumer<RunbookEngine.Builder> teamSettings(Class<? extends Consumer<RunbookEngine.Builder>> type) {
        try {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ParameterResolutionException(
                    "@RunbookTest(engine = " + type.getName() + ".class) needs a class with a no-argument"
                            + " constructor that configures a RunbookEngine.Builder; creating it failed: " + e,
                    e);
        }
    }

    private static Optional<RunbookTest> find(Optional<? extends AnnotatedElement> element) {
        return element.flatMap(e -> AnnotationSupport.findAnnotation(e, RunbookTest.class));
    }

    /** The annotation's defaults, for tests that use the extension without the annotation. */
    @RunbookTest
    private static final class Defaults {
        static RunbookTest settings() {
            return Defaults.class.getAnnotation(RunbookTest.class);
        }
    }
}
