package dev.runbook.examples;

import static dev.runbook.core.Conditions.equalTo;

import dev.runbook.core.Runbook;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpCall;
import dev.runbook.core.http.HttpField;
import dev.runbook.core.http.HttpHealth;
import java.time.Duration;

/**
 * Seed runbook INC-005 "Integration circuit breaker triggered" as code: check that the dependency is
 * healthy again and the breaker is OPEN, half-open it through the admin API, wait until the service is
 * healthy, verify the breaker closed, and tell the team.
 *
 * <pre>{@code
 * Runbook rb = IntegrationCircuitBreaker.runbook("http://integration-svc:8080", "http://inside.local/health",
 *     "inside", Secret.of("Bearer " + System.getenv("ADMIN_TOKEN")));
 * }</pre>
 */
public final class IntegrationCircuitBreaker {
    private IntegrationCircuitBreaker() {}

    /** The runbook against the simulated service the demo starts. */
    public static Runbook runbook(IntegrationService svc) {
        return runbook(
                svc.baseUrl(),
                svc.url("/deps/" + IntegrationService.DEPENDENCY + "/health"),
                IntegrationService.DEPENDENCY,
                svc.adminToken());
    }

    /**
     * The runbook for {@code integrationSvc} (base URL) whose breaker for {@code dependency} is open.
     *
     * @param integrationSvc base URL of integration-svc, such as {@code http://integration-svc:8080}
     * @param dependencyHealth the dependency's health URL, such as {@code http://inside.local/health}
     * @param dependency the dependency's name, such as {@code inside}
     * @param adminToken the Authorization header value for the admin API
     * @throws IllegalArgumentException if a URL is malformed
     */
    public static Runbook runbook(
            String integrationSvc, String dependencyHealth, String dependency, Secret adminToken) {
        String stateUrl = integrationSvc + "/admin/circuit-breaker?service=" + dependency;
        HttpField breaker = Http.field(stateUrl, "/state");
        HttpHealth health = Http.health(integrationSvc + "/health");
        HttpCall halfOpen = Http.post(integrationSvc + "/admin/circuit-breaker/half-open")
                .body("{\"service\":\"" + dependency + "\"}")
                .header("Authorization", adminToken)
                .expectStatus(200)
                .state(stateUrl, "/state")
                .doneWhen("HALF_OPEN", "CLOSED")
                .build();
        return Runbook.builder("INC-005", "Integration circuit breaker triggered")
                .severity(Severity.SEV2)
                .service("integration-svc")
                .link("seeds/000 INC-005: Manual half-open (Option A)")
                .precheck(dependency + " is healthy again", Http.health(dependencyHealth), HttpHealth.healthy())
                .precheck("the breaker for " + dependency + " is OPEN", breaker, equalTo("OPEN"))
                .step("half-open the breaker for " + dependency, halfOpen)
                .waitUntil("integration-svc is healthy", health, HttpHealth.healthy(), Duration.ofSeconds(30))
                .verify("the breaker for " + dependency + " is CLOSED", breaker, equalTo("CLOSED"))
                .manual(
                        "tell the team",
                        "Post in #infra-alerts that the " + dependency
                                + " breaker is closed, and set the status page component back to Operational")
                .build();
    }
}
