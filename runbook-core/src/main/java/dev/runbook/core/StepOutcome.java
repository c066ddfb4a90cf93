package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What apply did with one step: outcome, duration, counts, per-item outcomes, verification and error,
 * all as data.
 *
 * <pre>{@code
 * StepOutcome s = report.step("flush-stock-cache");
 * s.outcome(); s.counts().get("deleted"); s.error();
 * }</pre>
 *
 * @param stepId the step's id
 * @param kind the step's kind
 * @param title the step's title
 * @param outcome what happened
 * @param message one sentence
 * @param duration how long the step took
 * @param counts numbers done
 * @param items per-item outcomes
 * @param verification the post-condition's last check, for actions
 * @param error the error as {@code Type: message}, when the step failed
 * @param details action-specific extras
 */
public record StepOutcome(
        String stepId,
        StepKind kind,
        String title,
        Outcome outcome,
        String message,
        Duration duration,
        Map<String, Long> counts,
        List<ItemOutcome> items,
        Verification verification,
        String error,
        JsonNode details) {

    public StepOutcome {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(outcome, "outcome");
        message = message == null ? "" : message;
        duration = duration == null ? Duration.ZERO : duration;
        counts = Map.copyOf(counts == null ? Map.of() : counts);
        items = List.copyOf(items == null ? List.of() : items);
        details = details == null ? Json.tree(null) : details;
    }

    /** A step that was never tried. */
    public static StepOutcome notAttempted(Step step, String why) {
        return new StepOutcome(
                step.id(),
                step.kind(),
                step.title(),
                Outcome.NOT_ATTEMPTED,
                why,
                Duration.ZERO,
                null,
                null,
                null,
                null,
                null);
    }
}
