package dev.runbook.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * @param warnings what went wrong beside the steps without failing them, such as a run listener (a
 *     notifier) that failed
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
        List<StepOutcome> steps,
        List<String> warnings) {

    public Report {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
    }

    /** A report without warnings. */
    public Report(
            String runId,
            String planId,
            String runbookId,
            RunStatus status,
            String actor,
            String incidentId,
            Instant startedAt,
            Instant finishedAt,
            List<StepOutcome> steps) {
        this(runId, planId, runbookId, status, actor, incidentId, startedAt, finishedAt, steps, List.of());
    }

    /**
     * The outcome of the step with this id ({@code rollback-<id>} for an undo).
     *
     * @throws IllegalArgumentException naming the report's step ids, if there is no such step
     */
    public StepOutcome step(String stepId) {
        return steps.stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "report of run " + runId + " has no step '" + stepId + "'; its steps are "
                                + steps.stream().map(StepOutcome::stepId).toList()));
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
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STEP", "OUTCOME", "MS", "WHAT"});
        for (StepOutcome s : steps) {
            rows.add(new String[] {
                s.stepId(),
                String.valueOf(s.outcome()),
                Long.toString(s.duration().toMillis()),
                s.message()
            });
            if (s.error() != null) {
                rows.add(new String[] {"", "", "", "  error: " + s.error()});
            }
            if (s.verification() != null && s.verification().status() != Verification.Status.SKIPPED) {
                rows.add(new String[] {
                    "",
                    "",
                    "",
                    "  verify " + s.verification().status() + ": "
                            + s.verification().message()
                });
            }
        }
        Table.append(sb, rows);
        for (String w : warnings) {
            sb.append("warning: ").append(w).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
