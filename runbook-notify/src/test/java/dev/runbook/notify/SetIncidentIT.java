package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.IncidentStatus;
import dev.runbook.core.notify.StatusPage;
import dev.runbook.test.ActionContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SetIncidentIT extends ActionContract<SetIncident> {
    static final FakeStatuspage fake = new FakeStatuspage();
    static final StatusPage page = NotifyActions.statuspage(
            fake.api(), FakeStatuspage.PAGE, Secret.of(FakeStatuspage.KEY), DeliveryPolicy.defaults());
    static final String NAME = "Dispatch degraded";

    @BeforeEach
    void seed() {
        fake.reset();
        fake.component("dispatch", "Dispatch", "operational");
    }

    @AfterAll
    static void stop() {
        fake.server.close();
    }

    @Override
    protected SetIncident action() {
        return NotifyActions.incident(page, NAME, IncidentStatus.INVESTIGATING, "Dispatch engine down, investigating")
                .affecting("dispatch", ComponentStatus.DEGRADED_PERFORMANCE);
    }

    @Override
    protected Map<String, SetIncident> variants() {
        return Map.of(
                "name",
                        NotifyActions.incident(
                                        page,
                                        "Payments degraded",
                                        IncidentStatus.INVESTIGATING,
                                        "Dispatch engine down, investigating")
                                .affecting("dispatch", ComponentStatus.DEGRADED_PERFORMANCE),
                "status",
                        NotifyActions.incident(
                                        page, NAME, IncidentStatus.IDENTIFIED, "Dispatch engine down, investigating")
                                .affecting("dispatch", ComponentStatus.DEGRADED_PERFORMANCE),
                "body",
                        NotifyActions.incident(page, NAME, IncidentStatus.INVESTIGATING, "other text")
                                .affecting("dispatch", ComponentStatus.DEGRADED_PERFORMANCE),
                "components",
                        NotifyActions.incident(
                                        page, NAME, IncidentStatus.INVESTIGATING, "Dispatch engine down, investigating")
                                .affecting("dispatch", ComponentStatus.MAJOR_OUTAGE));
    }

    @Override
    protected Object snapshot() {
        return fake.state();
    }

    @Override
    protected void moveTheWorld() {
        fake.createIncident(NAME, "investigating", "posted by hand");
    }

    @Test
    void create_thenUpdate_thenResolve_onTheSameIncident() {
        ActionContext ctx = context();
        SetIncident open = action();
        StepPlan p1 = open.plan(ctx);
        assertThat(p1.summary())
                .isEqualTo("create incident 'Dispatch degraded' (investigating) on statuspage page1, marking 1"
                        + " component(s): \"Dispatch engine down, investigating\"");
        open.apply(p1, ctx);
        StubServer.Request post = fake.server.requests().stream()
                .filter(r -> r.method().equals("POST"))
                .findFirst()
                .orElseThrow();
        assertThat(post.path()).isEqualTo("/v1/pages/page1/incidents");
        assertThat(Json.read(post.body(), Map.class))
                .isEqualTo(Map.of(
                        "incident",
                        Map.of(
                                "name",
                                NAME,
                                "status",
                                "investigating",
                                "body",
                                "Dispatch engine down, investigating",
                                "component_ids",
                                List.of("dispatch"),
                                "components",
                                Map.of("dispatch", "degraded_performance"))));
        assertThat(fake.state()).containsEntry("component dispatch", "degraded_performance");

        SetIncident monitoring =
                NotifyActions.incident(page, NAME, IncidentStatus.MONITORING, "fix deployed, monitoring");
        StepPlan p2 = monitoring.plan(ctx);
        assertThat(p2.summary()).startsWith("update incident 'Dispatch degraded' from investigating to monitoring");
        monitoring.apply(p2, ctx);
        SetIncident resolved =
                NotifyActions.incident(page, NAME, IncidentStatus.RESOLVED, "Resolved, monitoring 30 min");
        StepPlan p3 = resolved.plan(ctx);
        resolved.apply(p3, ctx);
        assertThat(resolved.verify(p3, null, ctx).ok()).isTrue();
        assertThat(fake.state()).containsEntry("incident " + NAME, "resolved: Resolved, monitoring 30 min");
        assertThat(resolved.plan(ctx).isNoop()).as("resolving it again").isTrue();
        assertThat(fake.state().keySet().stream().filter(k -> k.startsWith("incident")))
                .hasSize(1);
    }

    @Test
    void resolvingAnIncidentThatIsNotOpen_isUnchanged() {
        SetIncident resolved = NotifyActions.incident(page, NAME, IncidentStatus.RESOLVED, "done");
        StepPlan plan = resolved.plan(context());
        assertThat(plan.summary())
                .isEqualTo("unchanged: no unresolved incident 'Dispatch degraded' on statuspage page1");
        assertThat(resolved.apply(plan, context()).outcome()).isEqualTo(Outcome.UNCHANGED);
    }

    @Test
    void badInputs_areRefusedWhenBuilt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> NotifyActions.incident(page, " ", IncidentStatus.INVESTIGATING, "x"))
                .hasMessageContaining("needs a name");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> NotifyActions.incident(page, NAME, IncidentStatus.INVESTIGATING, ""))
                .hasMessageContaining("needs the update's text");
    }
}
