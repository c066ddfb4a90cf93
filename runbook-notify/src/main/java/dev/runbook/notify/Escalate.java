package dev.runbook.notify;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.CheckResult;
import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.StepPlan;
import dev.runbook.core.notify.Page;
import dev.runbook.core.notify.Pager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pages whoever the escalation matrix says is due when the step runs (seed 000: "15 min page secondary
 * on-call, 30 min page Tech Lead, 1h page CTO"), each level through the {@link Pager} with the incident
 * id as dedup key, so that a level paged before is not paged twice. The plan shows the rule and who is
 * due at plan time; apply reads the clock again and pages who is due then, so the run can pass through a
 * long wait before it. With {@link #unless} it pages nobody when a probe shows the incident is over. The
 * level reached is in the step's counts ({@code level}), and so in the report and the audit.
 *
 * <pre>{@code
 * Escalate esc = NotifyActions.escalate(pager, inc, EscalationMatrix.seeds())
 *     .unless(redis.memory().map("memory ratio", MemoryInfo::ratio), Conditions.below(0.8));
 * }</pre>
 */
public final class Escalate implements Action {
    private final Pager pager;
    private final Incident incident;
    private final EscalationMatrix matrix;
    private final Probe<?> unlessProbe;
    private final Condition<?> unlessCondition;

    Escalate(Pager pager, Incident incident, EscalationMatrix matrix, Probe<?> probe, Condition<?> condition) {
        this.pager = Objects.requireNonNull(pager, "pager");
        this.incident = Objects.requireNonNull(incident, "incident");
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        this.unlessProbe = probe;
        this.unlessCondition = condition;
    }

    /** The same step, paging nobody when {@code probe} satisfies {@code condition} at apply time. */
    public <T> Escalate unless(Probe<T> probe, Condition<? super T> condition) {
        return new Escalate(pager, incident, matrix, Objects.requireNonNull(probe), Objects.requireNonNull(condition));
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param pager the pager's name
     * @param incident the incident (id, severity, alert time)
     * @param matrix the escalation matrix
     * @param unless the probe and condition that stop it, or null
     */
    public record Params(String pager, Incident incident, EscalationMatrix matrix, String unless) {}

    @Override
    public Params parameters() {
        return new Params(pager.name(), incident, matrix, unlessText());
    }

    private String unlessText() {
        return unlessProbe == null ? null : unlessProbe.name() + " " + unlessCondition.description();
    }

    @Override
    public String type() {
        return "pager.escalate";
    }

    @Override
    public String target() {
        return pager.name() + " for " + incident.id();
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Escalation now = Escalation.of(incident, matrix, ctx.clock().instant());
        return StepPlan.builder(this)
                .summary("page who the escalation matrix says is due when this step runs (now: " + now + ")"
                        + (unlessProbe == null ? "" : "; nobody if " + unlessText()))
                .after(now)
                .blastRadius(
                        "pages",
                        matrix.levels()
                                .getOrDefault(incident.severity(), List.of())
                                .size())
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (unlessProbe != null) {
            CheckResult r = check();
            if (r.passed()) {
                return ApplyResult.unchanged("paged nobody: " + r.sentence())
                        .count("level", 0)
                        .build();
            }
        }
        Escalation now = Escalation.of(incident, matrix, ctx.clock().instant());
        if (now.due().isEmpty()) {
            return ApplyResult.unchanged("paged nobody: " + now)
                    .count("level", 0)
                    .build();
        }
        List<String> paged = new ArrayList<>();
        for (EscalationMatrix.Level l : now.due()) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("runId", ctx.runId());
            details.put("step", ctx.stepId());
            details.put("elapsed", Escalation.human(now.elapsed()));
            details.put("title", incident.title());
            pager.send(new Page(
                    Page.Action.TRIGGER,
                    incident.id(),
                    l.responder(),
                    l.level(),
                    "[" + incident.severity().label() + "] " + incident.id() + " " + incident.title() + ": "
                            + Escalation.human(now.elapsed()) + " since the alert, escalated to " + l.responder(),
                    incident.severity().label(),
                    details));
            paged.add(l.responder());
        }
        return ApplyResult.changed("paged " + String.join(", ", paged) + " through " + pager.name() + " (level "
                        + now.level() + ", " + Escalation.human(now.elapsed()) + " since the alert; dedup key "
                        + incident.id() + ")")
                .count("level", now.level())
                .count("pages", paged.size())
                .details(now)
                .build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CheckResult check() {
        try {
            Object v = unlessProbe.read();
            boolean ok = ((Condition) unlessCondition).test(v);
            return new CheckResult(unlessProbe.name(), unlessCondition.description(), ok, String.valueOf(v), null);
        } catch (RuntimeException e) {
            return new CheckResult(unlessProbe.name(), unlessCondition.description(), false, null, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Escalate[" + target() + "]";
    }
}
