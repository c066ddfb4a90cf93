package dev.runbook.examples;

import dev.runbook.core.Runbook;
import java.time.Duration;

/**
 * The demo's INC-005: a simulated integration-svc whose breaker for {@code inside} is OPEN although
 * {@code inside} is healthy again, fixed by {@link IntegrationCircuitBreaker}.
 *
 * <pre>{@code
 * try (DemoScenario s = CircuitBreakerScenario.start()) { s.runbook(); }
 * }</pre>
 */
public final class CircuitBreakerScenario implements DemoScenario {
    private final IntegrationService svc;

    private CircuitBreakerScenario(IntegrationService svc) {
        this.svc = svc;
    }

    /** Starts the simulated integration-svc with the breaker OPEN. */
    public static CircuitBreakerScenario start() {
        return new CircuitBreakerScenario(IntegrationService.start(Duration.ofMillis(300)));
    }

    /** The service, for tests. */
    public IntegrationService service() {
        return svc;
    }

    @Override
    public String staged() {
        return "simulated integration-svc at " + svc.baseUrl() + ": breaker for " + IntegrationService.DEPENDENCY
                + " is " + svc.breaker() + ", /health answers 503 (fallback data), " + IntegrationService.DEPENDENCY
                + " itself is healthy again";
    }

    @Override
    public Runbook runbook() {
        return IntegrationCircuitBreaker.runbook(svc);
    }

    @Override
    public String observe() {
        return "breaker for " + IntegrationService.DEPENDENCY + " is " + svc.breaker() + " after " + svc.halfOpenCalls()
                + " half-open call(s)";
    }

    @Override
    public boolean fixed() {
        return svc.breaker().equals("CLOSED");
    }

    @Override
    public void close() {
        svc.close();
    }
}
