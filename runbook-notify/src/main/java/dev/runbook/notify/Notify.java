package dev.runbook.notify;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.NotificationFailedException;
import dev.runbook.core.notify.Notifier;
import java.util.Map;
import java.util.Objects;

/**
 * Posts a notification as a runbook step (seed 000: "Slack #prod-alerts: Dispatch engine down,
 * investigating ETA 15 min"). Plan sends nothing; apply sends once, with the delivery policy's retries.
 * Best effort by default: a notification that cannot be delivered ends the step SKIPPED, with the reason
 * in the report and the audit, and the run goes on; {@link #required()} makes it FAILED instead.
 *
 * <pre>{@code
 * Notify post = NotifyActions.notify(slack, MessageTemplate.investigating().render(inc, Map.of("impact", "...")));
 * Runbook.builder("INC-004", "Redis OOM").step("tell #prod-alerts", post) ...
 * }</pre>
 *
 * <p>A chat webhook cannot be read back, so this step has no before-state to compare and is not
 * idempotent by itself: the engine's journal is what keeps a resumed run from posting it again (a finished
 * step is never repeated).
 */
public final class Notify implements Action {
    private final Notifier notifier;
    private final Notification message;
    private final boolean required;

    Notify(Notifier notifier, Notification message, boolean required) {
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.message = Objects.requireNonNull(message, "message");
        this.required = required;
    }

    /** The same notification, whose failure fails the step (and so stops the run unless it continues). */
    public Notify required() {
        return new Notify(notifier, message, true);
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param notifier the notifier's name (a channel, never a URL)
     * @param headline the headline
     * @param text the text
     * @param fields the fields
     * @param link the link
     * @param required whether a failed delivery fails the step
     */
    public record Params(
            String notifier, String headline, String text, Map<String, String> fields, String link, boolean required) {}

    @Override
    public Params parameters() {
        return new Params(
                notifier.name(), message.headline(), message.text(), message.fields(), message.link(), required);
    }

    @Override
    public String type() {
        return "notify.send";
    }

    @Override
    public String target() {
        return notifier.name();
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        return StepPlan.builder(this)
                .summary("post '" + message.headline() + "' to " + notifier.name()
                        + (required ? " (required: a failed delivery fails the step)" : " (best effort)"))
                .after(message)
                .blastRadius("messages", 1)
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        try {
            notifier.send(message);
        } catch (NotificationFailedException e) {
            if (required) {
                throw e;
            }
            return ApplyResult.of(
                            Outcome.SKIPPED,
                            "not delivered to " + notifier.name() + ": " + e.getMessage()
                                    + "; best effort, the run went on (.required() stops it instead)")
                    .count("failed", 1)
                    .build();
        }
        return ApplyResult.changed("posted '" + message.headline() + "' to " + notifier.name())
                .count("messages", 1)
                .build();
    }

    @Override
    public String toString() {
        return "Notify[" + notifier.name() + ": " + message.headline() + "]";
    }
}
