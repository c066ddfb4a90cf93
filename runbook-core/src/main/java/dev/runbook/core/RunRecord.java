package dev.runbook.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a journal knows of one run.
 *
 * <pre>{@code
 * journal.load(runId).map(RunRecord::finishedSteps)
 * }</pre>
 *
 * @param runId the run
 * @param plan the plan being applied
 * @param finishedSteps the outcomes of the steps that ended, in order
 * @param startedSteps the ids of steps that started (finished or not)
 * @param status the run's status if it ended, else null
 * @param openSpans audit spans opened and never closed (a crash), span id to step id ("" for the run)
 */
public record RunRecord(
        String runId,
        Plan plan,
        List<StepOutcome> finishedSteps,
        Set<String> startedSteps,
        RunStatus status,
        Map<String, String> openSpans) {
    public RunRecord {
        finishedSteps = List.copyOf(finishedSteps);
        startedSteps = Set.copyOf(startedSteps);
        openSpans = Map.copyOf(openSpans == null ? Map.of() : openSpans);
    }

    /** A record from a journal that does not keep audit spans. */
    public RunRecord(
            String runId, Plan plan, List<StepOutcome> finishedSteps, Set<String> startedSteps, RunStatus status) {
        this(runId, plan, finishedSteps, startedSteps, status, Map.of());
    }

    /** The outcome of a finished step. */
    public Optional<StepOutcome> finished(String stepId) {
        return finishedSteps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }

    /** Whether the run ended (and so cannot be resumed). */
    public boolean ended() {
        return status != null;
    }
}
