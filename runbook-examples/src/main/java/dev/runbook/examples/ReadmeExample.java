package dev.runbook.examples;

import static dev.runbook.core.Conditions.equalTo;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpField;
import dev.runbook.core.http.HttpHealth;
import java.time.Duration;

/**
 * The example in the README, compiled and run by {@code ReadmeExampleTest}, which also checks that the
 * README shows exactly the lines between the markers.
 *
 * <pre>{@code
 * Report r = ReadmeExample.run(svc.baseUrl(), svc.adminToken(), ApprovalGate.console());
 * }</pre>
 */
public final class ReadmeExample {
    private ReadmeExample() {}

    /** Builds, plans, prints and applies INC-005 against integration-svc at {@code svc}. */
    public static Report run(String svc, Secret adminToken, ApprovalGate approvals) {
        // README:start
        HttpField breaker = Http.field(svc + "/admin/circuit-breaker?service=inside", "/state");
        Runbook runbook = Runbook.builder("INC-005", "Integration circuit breaker triggered")
                .precheck("the breaker is OPEN", breaker, equalTo("OPEN"))
                .step(
                        "half-open it",
                        Http.post(svc + "/admin/circuit-breaker/half-open")
                                .body("{\"service\":\"inside\"}")
                                .header("Authorization", adminToken) // a Secret: never printed
                                .state(svc + "/admin/circuit-breaker?service=inside", "/state")
                                .doneWhen("HALF_OPEN", "CLOSED")
                                .build())
                .waitUntil("healthy", Http.health(svc + "/health"), HttpHealth.healthy(), Duration.ofSeconds(30))
                .build();
        RunbookEngine engine = RunbookEngine.builder().approvals(approvals).build();
        Plan plan = engine.plan(runbook); // reads only: nothing changes
        System.out.println(plan); // review the table
        Report report = engine.apply(runbook, plan); // runs exactly that plan, or refuses
        // README:end
        return report;
    }
}
