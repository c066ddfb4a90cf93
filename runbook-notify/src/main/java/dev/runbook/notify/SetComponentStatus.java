package dev.runbook.notify;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.StatusPage;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets a status page component's status (seed 000: "update component Dispatch → Degraded", then
 * "Operational"), recording the previous status so that the inverse restores it. Setting the status it
 * already has is UNCHANGED; a status someone else changed since the plan is refused as stale.
 *
 * <pre>{@code
 * SetComponentStatus degraded = NotifyActions.setComponentStatus(page, "dispatch-id", ComponentStatus.DEGRADED_PERFORMANCE);
 * StepPlan plan = degraded.plan(ctx);   // "set Dispatch from operational to degraded_performance on statuspage ..."
 * }</pre>
 */
public final class SetComponentStatus implements Action {
    private final StatusPage page;
    private final String componentId;
    private final ComponentStatus status;
    private final ComponentStatus from;

    SetComponentStatus(StatusPage page, String componentId, ComponentStatus status) {
        this(page, componentId, status, null);
    }

    private SetComponentStatus(StatusPage page, String componentId, ComponentStatus status, ComponentStatus from) {
        if (componentId == null || componentId.isBlank()) {
            throw new IllegalArgumentException("name the component by its id, such as '8kbf7d35c070'");
        }
        this.page = Objects.requireNonNull(page, "page");
        this.componentId = componentId;
        this.status = Objects.requireNonNull(status, "status: one of ComponentStatus");
        this.from = from;
    }

    /**
     * The same step, planned as if the component had status {@code expected} when it runs, because an
     * earlier step of the runbook sets it (Degraded at the start, Operational at the end): apply then
     * refuses unless the component has that status.
     *
     * <pre>{@code
     * .step("Dispatch degraded", setComponentStatus(page, "dispatch", DEGRADED_PERFORMANCE))
     * ...
     * .step("Dispatch operational", setComponentStatus(page, "dispatch", OPERATIONAL).from(DEGRADED_PERFORMANCE))
     * }</pre>
     */
    public SetComponentStatus from(ComponentStatus expected) {
        return new SetComponentStatus(page, componentId, status, Objects.requireNonNull(expected, "expected"));
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param componentId the component
     * @param status the status to set
     * @param from the status expected when the step runs (set by an earlier step), or null for the status
     *     observed when planning
     */
    public record Params(String componentId, ComponentStatus status, ComponentStatus from) {}

    @Override
    public Params parameters() {
        return new Params(componentId, status, from);
    }

    @Override
    public String type() {
        return "statuspage.setComponentStatus";
    }

    @Override
    public String target() {
        return page.name() + " component " + componentId;
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        StatusPage.Component observed = page.component(componentId);
        StatusPage.Component now =
                from == null ? observed : new StatusPage.Component(observed.id(), observed.name(), from);
        if (now.status() == status) {
            return StepPlan.unchanged(this, now.name() + " is already " + status.apiName() + " on " + page.name(), now);
        }
        return StepPlan.builder(this)
                .summary("set " + now.name() + " from " + now.status().apiName()
                        + (from == null || from == observed.status()
                                ? ""
                                : " (set by an earlier step; now "
                                        + observed.status().apiName() + ")")
                        + " to " + status.apiName() + " on " + page.name())
                .before(now)
                .after(new StatusPage.Component(now.id(), now.name(), status))
                .blastRadius("components", 1)
                .resource(now.name())
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        StatusPage.Component now = page.component(componentId);
        if (plan.isNoop()) {
            plan.requireUnchanged(now);
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(now);
        page.setComponentStatus(componentId, status);
        return ApplyResult.changed("set " + now.name() + " from " + now.status().apiName() + " to " + status.apiName()
                        + " on " + page.name())
                .count("components", 1)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        StatusPage.Component now = page.component(componentId);
        return now.status() == status
                ? Verification.passed(now.name() + " is " + status.apiName(), now)
                : Verification.failed(
                        now.name() + " is " + now.status().apiName() + ", expected " + status.apiName(), now);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        if (plan.isNoop()) {
            return Optional.empty();
        }
        StatusPage.Component before = plan.before(StatusPage.Component.class);
        return Optional.of(new SetComponentStatus(page, componentId, before.status()));
    }

    @Override
    public String toString() {
        return "SetComponentStatus[" + target() + " = " + status.apiName() + "]";
    }
}
