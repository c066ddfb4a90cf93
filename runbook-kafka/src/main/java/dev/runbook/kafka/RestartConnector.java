package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.List;

/**
 * Restarts a Kafka Connect connector and, by default, only its FAILED parts ({@code POST
 * /connectors/{name}/restart?includeTasks=true&onlyFailed=true}), so that a rerun after the fix finds
 * nothing failed and is unchanged. {@code onlyFailed(false)} restarts everything and is not convergent:
 * every apply restarts again, and the plan says so.
 *
 * <pre>{@code
 * connect.restartConnector("orders-sink").plan(ctx);                 // the failed task(s)
 * connect.restartConnector("orders-sink").onlyFailed(false).plan(ctx);  // everything
 * }</pre>
 *
 * @throws dev.runbook.core.RefusedException (from plan) if the connector does not exist
 */
public final class RestartConnector extends ConnectorAction {

    private final boolean includeTasks;
    private final boolean onlyFailed;

    RestartConnector(ConnectClient client, String name, boolean includeTasks, boolean onlyFailed) {
        super(client, name);
        this.includeTasks = includeTasks;
        this.onlyFailed = onlyFailed;
    }

    /** Whether tasks are restarted too (default true). */
    public RestartConnector includeTasks(boolean include) {
        return new RestartConnector(client, name, include, onlyFailed);
    }

    /** Whether only FAILED instances are restarted (default true). */
    public RestartConnector onlyFailed(boolean only) {
        return new RestartConnector(client, name, includeTasks, only);
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param includeTasks whether the tasks are restarted too
     * @param onlyFailed whether only failed instances are restarted
     */
    public record Params(boolean includeTasks, boolean onlyFailed) {}

    @Override
    public Params parameters() {
        return new Params(includeTasks, onlyFailed);
    }

    @Override
    public String type() {
        return "kafka.restartConnector";
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ConnectorStatus s = client.status(name);
        Observed before = Observed.of(s);
        List<String> instances = new ArrayList<>();
        if (!onlyFailed || "FAILED".equals(s.state())) {
            instances.add("connector " + s.state());
        }
        if (includeTasks) {
            s.tasks().stream()
                    .filter(t -> !onlyFailed || "FAILED".equals(t.state()))
                    .forEach(t -> instances.add("task " + t.id() + " " + t.state()));
        }
        if (instances.isEmpty()) {
            return StepPlan.unchanged(
                    this, "nothing of connector '" + name + "' has failed (" + s.states() + ")", before);
        }
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary("restart " + String.join(", ", instances) + " of connector '" + name + "'"
                        + (s.anyFailed() ? " (" + firstFailure(s) + ")" : ""))
                .before(before)
                .after(new Observed(name, "RUNNING"))
                .blastRadius(
                        "tasks",
                        instances.stream().filter(i -> i.startsWith("task")).count())
                .resource(name);
        if (!onlyFailed) {
            plan.warning("onlyFailed(false) is not convergent: each apply restarts the connector again");
        }
        return plan.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(Observed.of(client.status(name)));
        client.restart(name, includeTasks, onlyFailed);
        ConnectorStatus now = awaitStatus(ctx, "running", s -> s.allIn("RUNNING"));
        return ApplyResult.changed("restarted connector '" + name + "' (includeTasks=" + includeTasks + ", onlyFailed="
                        + onlyFailed + ")")
                .item(name, Outcome.CHANGED, plan.before(Observed.class).states())
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
                "connector '" + name + "' is not running: " + s.states() + " " + firstFailure(s), Observed.of(s));
    }
}
