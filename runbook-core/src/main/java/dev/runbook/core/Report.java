package dev.runbook.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What apply did, step by step and item by item. A failed step is data here, not an exception.
 *
 * <pre>{@code
 * Report report = engine.apply(runbook, plan);
 * System.out.println(report);                 // the table
 * report.status();                            // SUCCEEDED, FAILED, ROLLED_BACK
 * }</pre>
 *
 * @param runId the run's id (use it to resume)
 * @param planId the plan that was applied
 * @param runbookId the runbook's id
 * @param status how the run ended
 * @param actor who ran it
 * @param incidentId the incident it was for
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param steps each step's outcome, in order (rollback steps at the end)
 */
public record Report(
        String runId,
        String planId,
        String runbookId,
        RunStatus status,
        String actor,
        String incidentId,
        Instant startedAt,
        Instant finishedAt,
        List<StepOutcome> steps) {

    public Report {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        steps = List.copyOf(steps);
    }

    /** The outcome of the step with this id. */
    public StepOutcome step(String stepId) {
        return steps.stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("report has no step '" + stepId + "'"));
    }

    /** The report as JSON. */
    public String toJson() {
        return Json.writePretty(this);
    }

    /**
     * Reads a report from JSON.
     *
     * @throws RunbookException if the JSON is not a report
     */
    public static Report fromJson(String json) {
        return Json.read(json, Report.class);
    }

    /** The report as an aligned table. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        Duration took =
                startedAt == null || finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
        sb.append(String.format(
                Locale.ROOT,
                "Run %s of %s: %s in %d ms (actor %s)%n",
                runId,
                runbookId,
                status,
                took.toMillis(),
                actor));
        int idWidth = Math.max(
                4, steps.stream().mapToInt(s -> s.stepId().length()).max().orElse(4));
        String row = "  %-" + idWidth + "s  %-13s  %8s  %s%n";
        sb.append(String.format(Locale.ROOT, row, "STEP", "OUTCOME", "MS", "WHAT"));
        for (StepOutcome s : steps) {
            sb.append(String.format(
                    Locale.ROOT, row, s.stepId(), s.outcome(), s.duration().toMillis(), s.message()));
            if (s.error() != null) {
                sb.append(String.format(Locale.ROOT, row, "", "", "", "  error: " + s.error()));
            }
            if (s.verification() != null && s.verification().status() != Verification.Status.SKIPPED) {
                sb.append(String.format(
                        Locale.ROOT,
                        row,
                        "",
                        "",
                        "",
                        "  verify " + s.verification().status() + ": "
                                + s.verification().message()));
            }
        }
        return sb.toString().stripTrailing();
    }
}
