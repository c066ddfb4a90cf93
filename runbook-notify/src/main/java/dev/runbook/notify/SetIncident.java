package dev.runbook.notify;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.IncidentStatus;
import dev.runbook.core.notify.StatusPage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Creates, updates or resolves the status page incident with this name: created when no unresolved
 * incident has the name, updated (new status and update text) when one has, resolved with {@link
 * IncidentStatus#RESOLVED}. The same status and text again, or resolving an incident that is no longer
 * open, is UNCHANGED; an incident created or updated by someone else since the plan is refused as stale.
 *
 * <pre>{@code
 * SetIncident open = NotifyActions.incident(page, "Dispatch degraded", IncidentStatus.INVESTIGATING,
 *     "Dispatch engine down, investigating, ETA 15 min").affecting("dispatch-id", ComponentStatus.DEGRADED_PERFORMANCE);
 * }</pre>
 */
public final class SetIncident implements Action {
    private final StatusPage page;
    private final String name;
    private final IncidentStatus status;
    private final String body;
    private final Map<String, ComponentStatus> components;

    SetIncident(
            StatusPage page, String name, IncidentStatus status, String body, Map<String, ComponentStatus> components) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a status page incident needs a name, such as 'Dispatch degraded'");
        }
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("incident '" + name + "' needs the update's text (what people read)");
        }
        this.page = Objects.requireNonNull(page, "page");
        this.name = name;
        this.status = Objects.requireNonNull(status, "status: one of IncidentStatus");
        this.body = body;
        this.components = new TreeMap<>(components);
    }

    /** The same step, also marking {@code componentId} with {@code status} when the incident is created. */
    public SetIncident affecting(String componentId, ComponentStatus componentStatus) {
        Map<String, ComponentStatus> more = new LinkedHashMap<>(components);
        more.put(componentId, componentStatus);
        return new SetIncident(page, name, status, body, more);
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param name the incident's name
     * @param status the status to set
     * @param body the update's text
     * @param components the components affected, when created
     */
    public record Params(String name, IncidentStatus status, String body, Map<String, ComponentStatus> components) {}

    /**
     * What plan observed: the unresolved incident with the name, if any.
     *
     * @param incident the incident, or null
     */
    public record Observed(StatusPage.Incident incident) {}

    @Override
    public Params parameters() {
        return new Params(name, status, body, components);
    }

    @Override
    public String type() {
        return "statuspage.setIncident";
    }

    @Override
    public String target() {
        return page.name() + " incident '" + name + "'";
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private Observed read() {
        return new Observed(page.unresolvedIncidents().stream()
                .filter(i -> i.name().equals(name))
                .findFirst()
                .orElse(null));
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Observed now = read();
        StatusPage.Incident open = now.incident();
        if (open == null && status == IncidentStatus.RESOLVED) {
            return StepPlan.unchanged(this, "no unresolved incident '" + name + "' on " + page.name(), now);
        }
        if (open != null && open.status() == status && open.lastUpdate().equals(body)) {
            return StepPlan.unchanged(
                    this, "incident '" + name + "' already is " + status.apiName() + " with this text", now);
        }
        String summary = open == null
                ? "create incident '" + name + "' (" + status.apiName() + ") on " + page.name()
                        + (components.isEmpty() ? "" : ", marking " + components.size() + " component(s)")
                : "update incident '" + name + "' from " + open.status().apiName() + " to " + status.apiName() + " on "
                        + page.name();
        return StepPlan.builder(this)
                .summary(summary + ": \"" + body + "\"")
                .before(now)
                .after(new Params(name, status, body, components))
                .blastRadius("incidents", 1)
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Observed now = read();
        plan.requireUnchanged(now);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        StatusPage.Incident done = now.incident() == null
                ? page.createIncident(name, status, body, components)
                : page.updateIncident(now.incident().id(), status, body);
        return ApplyResult.changed((now.incident() == null ? "created" : "updated") + " incident '" + name + "' ("
                        + status.apiName() + ") on " + page.name())
                .count("incidents", 1)
                .details(done)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        StatusPage.Incident open = read().incident();
        if (status == IncidentStatus.RESOLVED) {
            return open == null
                    ? Verification.passed("incident '" + name + "' is resolved")
                    : Verification.failed(
                            "incident '" + name + "' is still " + open.status().apiName());
        }
        return open != null && open.status() == status
                ? Verification.passed("incident '" + name + "' is " + status.apiName(), open)
                : Verification.failed("incident '" + name + "' is "
                        + (open == null ? "not open" : open.status().apiName()) + ", expected " + status.apiName());
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "SetIncident[" + target() + " = " + status.apiName() + "]";
    }
}
