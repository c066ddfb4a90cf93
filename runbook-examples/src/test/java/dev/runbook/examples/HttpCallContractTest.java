package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Outcome;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpCall;
import dev.runbook.test.ActionContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HttpCall keeps the action contract against the real (in-JVM) simulated integration-svc. */
class HttpCallContractTest extends ActionContract<HttpCall> {
    private final IntegrationService svc = IntegrationService.start(Duration.ofMillis(300));

    @AfterEach
    void stop() {
        svc.close();
    }

    @Override
    protected HttpCall action() {
        return halfOpen(svc.adminToken(), "inside");
    }

    private HttpCall halfOpen(Secret token, String service) {
        return halfOpen("POST", token, service).build();
    }

    private HttpCall.Builder halfOpen(String method, Secret token, String service) {
        return HttpCall.builder(method, svc.url("/admin/circuit-breaker/half-open"))
                .body("{\"service\":\"" + service + "\"}")
                .header("Authorization", token)
                .expectStatus(200)
                .state(svc.url("/admin/circuit-breaker?service=inside"), "/state")
                .doneWhen("HALF_OPEN", "CLOSED");
    }

    @Override
    protected Map<String, HttpCall> variants() {
        Secret token = svc.adminToken();
        return Map.ofEntries(
                Map.entry("method", halfOpen("PUT", token, "inside").build()),
                Map.entry(
                        "url",
                        Http.post(svc.url("/admin/circuit-breaker/close"))
                                .body("{\"service\":\"inside\"}")
                                .header("Authorization", token)
                                .expectStatus(200)
                                .state(svc.url("/admin/circuit-breaker?service=inside"), "/state")
                                .doneWhen("HALF_OPEN", "CLOSED")
                                .build()),
                Map.entry(
                        "headers",
                        halfOpen("POST", token, "inside")
                                .header("X-Reason", "INC-5")
                                .build()),
                Map.entry("secretHeaders", halfOpen(Secret.of("Bearer another-token"), "inside")),
                Map.entry("body", halfOpen(token, "billing")),
                Map.entry(
                        "expectStatus",
                        halfOpen("POST", token, "inside").expectStatus(202).build()),
                Map.entry(
                        "stateUrl",
                        halfOpen("POST", token, "inside")
                                .state(svc.url("/admin/circuit-breaker?service=billing"), "/state")
                                .build()),
                Map.entry(
                        "statePointer",
                        halfOpen("POST", token, "inside")
                                .state(svc.url("/admin/circuit-breaker?service=inside"), "/previous")
                                .build()),
                Map.entry(
                        "doneWhen",
                        halfOpen("POST", token, "inside").doneWhen("OPEN").build()),
                Map.entry(
                        "timeout",
                        halfOpen("POST", token, "inside")
                                .timeout(Duration.ofSeconds(3))
                                .build()),
                Map.entry(
                        "destructive",
                        halfOpen("POST", token, "inside").destructive(false).build()));
    }

    @Override
    protected Object snapshot() {
        return Map.of("breaker", svc.breaker(), "halfOpenCalls", svc.halfOpenCalls());
    }

    @Override
    protected void moveTheWorld() {
        svc.setBreaker("FORCED_OPEN");
    }

    @Test
    void aWrongTokenIsRefusedWithoutChange() {
        HttpCall call = halfOpen(Secret.of("Bearer wrong"), "inside");
        StepPlan plan = call.plan(context());

        assertRefusedWithoutChange(() -> call.apply(plan, context()), "answered 401", "admin token required");
    }

    @Test
    void anUnknownServiceIsRefusedWithoutChange() {
        HttpCall call = halfOpen(svc.adminToken(), "insdie");
        StepPlan plan = call.plan(context());

        assertRefusedWithoutChange(() -> call.apply(plan, context()), "answered 400", "unknown service 'insdie'");
    }

    @Test
    void aServiceGoneMidRunFailsClearlyAndARerunFinishes() {
        ActionContext ctx = context();
        HttpCall call = action();
        StepPlan plan = call.plan(ctx);
        svc.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call.apply(plan, ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("refused the connection");
        assertThat(svc.breaker()).isEqualTo("OPEN");
    }

    @Test
    void resumingTheSameStepDoesNotHalfOpenTwice() {
        ActionContext ctx = context();
        HttpCall replay = Http.post(svc.url("/admin/events/evt-7/replay"))
                .header("Authorization", svc.adminToken())
                .expectStatus(202)
                .build();

        assertThat(replay.apply(replay.plan(ctx), ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(replay.apply(replay.plan(ctx), ctx).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(svc.replayedEvents()).containsExactly("evt-7");
    }
}
