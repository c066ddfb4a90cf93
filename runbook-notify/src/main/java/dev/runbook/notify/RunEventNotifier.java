package dev.runbook.notify;

import dev.runbook.core.RunEvent;
import dev.runbook.core.RunListener;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.Notifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Posts the chosen run events to a notifier: the run started, an approval is needed, a step failed, the
 * run finished; each with the run id, incident, severity, step and outcome as fields and an optional
 * link. A delivery that fails (after its retries) throws, which the engine records as a warning in the
 * report and a {@code LISTENER_FAILED} audit record: the run goes on.
 *
 * <pre>{@code
 * RunbookEngine.builder().listener(NotifyActions.onRunEvents(slack,
 *     RunEvent.Type.RUN_STARTED, RunEvent.Type.APPROVAL_NEEDED, RunEvent.Type.STEP_FAILED, RunEvent.Type.RUN_FINISHED)
 *     .link("https://grafana.smp.vn/d/wms"));
 * }</pre>
 */
public final class RunEventNotifier implements RunListener {
    private final Notifier notifier;
    private final Set<RunEvent.Type> types;
    private final String link;

    RunEventNotifier(Notifier notifier, Set<RunEvent.Type> types, String link) {
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        if (types.isEmpty()) {
            throw new IllegalArgumentException(
                    "choose the run events to post, such as RunEvent.Type.STEP_FAILED, RunEvent.Type.RUN_FINISHED");
        }
        this.types = Set.copyOf(types);
        this.link = link;
    }

    /** The same notifier, with a link (a dashboard, the run's page) in every message. */
    public RunEventNotifier link(String url) {
        return new RunEventNotifier(notifier, types, NotifyActions.url(url).toString());
    }

    @Override
    public String name() {
        return "notify " + notifier.name();
    }

    @Override
    public void onEvent(RunEvent e) {
        if (types.contains(e.type())) {
            notifier.send(message(e));
        }
    }

    /** The notification for one event. */
    Notification message(RunEvent e) {
        String sev = e.severity() == null ? "" : "[" + e.severity().label() + "] ";
        String what =
                switch (e.type()) {
                    case RUN_STARTED -> "runbook started";
                    case APPROVAL_NEEDED -> "approval needed for step " + e.stepId();
                    case STEP_FINISHED -> "step " + e.stepId() + " " + e.outcome();
                    case STEP_FAILED -> "step " + e.stepId() + " " + e.outcome();
                    case RUN_FINISHED -> "run " + e.status();
                };
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Run", e.runId());
        if (e.incidentId() != null) {
            fields.put("Incident", e.incidentId());
        }
        if (e.severity() != null) {
            fields.put("Severity", e.severity().label());
        }
        fields.put("Environment", String.valueOf(e.environment()));
        if (e.stepId() != null) {
            fields.put("Step", e.stepId());
        }
        if (e.outcome() != null) {
            fields.put("Outcome", e.outcome().name());
        }
        if (e.status() != null) {
            fields.put("Status", e.status().name());
        }
        fields.put("Actor", String.valueOf(e.actor()));
        return new Notification(sev + e.runbookId() + " " + e.title() + ": " + what, e.message(), fields, link);
    }

    @Override
    public String toString() {
        return "RunEventNotifier[" + notifier.name() + " " + types + "]";
    }
}
