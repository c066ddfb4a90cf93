package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.Map;
import java.util.Optional;

/**
 * Pauses a Kafka Connect connector and its tasks ({@code PUT /connectors/{name}/pause}); pausing a
 * paused connector is unchanged. The inverse resumes it.
 *
 * <pre>{@code
 * KafkaConnect connect = KafkaConnect.connect("http://127.0.0.1:8083");
 * StepPlan plan = connect.pauseConnector("orders-sink").plan(ctx);
 * }</pre>
 *
 * @throws dev.runbook.core.RefusedException (from plan) if the connector does not exist
 */
public final class PauseConnector extends ConnectorAction {

    PauseConnector(ConnectClient client, String name) {
        super(client, name);
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }

    @Override
    public String type() {
        return "kafka.pauseConnector";
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ConnectorStatus s = client.status(name);
        Observed before = Observed.of(s);
        if (s.allIn("PAUSED")) {
            return StepPlan.unchanged(this, "connector '" + name + "' is already paused (" + s.states() + ")", before);
        }
        return StepPlan.builder(this)
                .summary("pause connector '" + name + "' (now " + s.states() + ")")
                .before(before)
                .after(new Observed(name, "PAUSED"))
                .blastRadius("tasks", s.tasks().size())
                .resource(name)
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(Observed.of(client.status(name)));
        client.pause(name);
        ConnectorStatus now = awaitStatus(ctx, "paused", s -> s.allIn("PAUSED"));
        return ApplyResult.changed("paused connector '" + name + "'")
                .item(
                        name,
                        dev.runbook.core.Outcome.CHANGED,
                        plan.before(Observed.class).states() + " -> PAUSED")
                .details(Observed.of(now))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ConnectorStatus s = client.status(name);
        return s.allIn("PAUSED")
                ? Verification.passed("connector '" + name + "' is paused: " + s.states(), Observed.of(s))
                : Verification.failed("connector '" + name + "' is not paused yet: " + s.states(), Observed.of(s));
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return plan.isNoop() ? Optional.empty() : Optional.of(new ResumeConnector(client, name));
    }
}
