package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.Map;
import java.util.Optional;

/**
 * Resumes a paused Kafka Connect connector and its tasks ({@code PUT /connectors/{name}/resume});
 * resuming a connector that is not paused is unchanged (failed tasks need {@link RestartConnector}).
 * The inverse pauses it again.
 *
 * <pre>{@code
 * connect.resumeConnector("orders-sink").plan(ctx);
 * }</pre>
 *
 * @throws dev.runbook.core.RefusedException (from plan) if the connector does not exist
 */
public final class ResumeConnector extends ConnectorAction {

    ResumeConnector(ConnectClient client, String name) {
        super(client, name);
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }

    @Override
    public String type() {
        return "kafka.resumeConnector";
    }

    private static boolean paused(ConnectorStatus s) {
        return "PAUSED".equals(s.state()) || s.tasks().stream().anyMatch(t -> "PAUSED".equals(t.state()));
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ConnectorStatus s = client.status(name);
        Observed before = Observed.of(s);
        if (!paused(s)) {
            String hint = s.anyFailed() ? "; failed parts need restartConnector(\"" + name + "\")" : "";
            return StepPlan.unchanged(
                    this, "connector '" + name + "' is not paused (" + s.states() + ")" + hint, before);
        }
        return StepPlan.builder(this)
                .summary("resume connector '" + name + "' (now " + s.states() + ")")
                .before(before)
                .after(new Observed(name, "RUNNING"))
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
        client.resume(name);
        ConnectorStatus now = awaitStatus(ctx, "running", s -> s.allIn("RUNNING") || s.anyFailed());
        return ApplyResult.changed("resumed connector '" + name + "'")
                .item(name, Outcome.CHANGED, plan.before(Observed.class).states() + " -> RUNNING")
                .details(Observed.of(now))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ConnectorStatus s = client.status(name);
        if (s.allIn("RUNNING")) {
            return Verification.passed("connector '" + name + "' is running: " + s.states(), Observed.of(s));
        }
        return Verification.failed(
                "connector '" + name + "' is not running yet: " + s.states() + " " + firstFailure(s), Observed.of(s));
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return plan.isNoop() ? Optional.empty() : Optional.of(new PauseConnector(client, name));
    }
}
