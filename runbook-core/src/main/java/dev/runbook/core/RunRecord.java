package dev.runbook.core;

import java.util.List;
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
 */
public record RunRecord(
        String runId, Plan plan, List<StepOutcome> finishedSteps, Set<String> startedSteps, RunStatus status) {
    public RunRecord {
        finishedSteps = List.copyOf(finishedSteps);
        startedSteps = Set.copyOf(startedSteps);
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
