package dev.runbook.test;

import dev.runbook.core.Outcome;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.StepOutcome;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Report}; failures print the report table.
 *
 * <pre>{@code
 * assertThat(report).succeeded().step("flush").hasOutcome(Outcome.CHANGED).hasCount("deleted", 10);
 * }</pre>
 */
public final class ReportAssert extends AbstractAssert<ReportAssert, Report> {

    ReportAssert(Report actual) {
        super(actual, ReportAssert.class);
    }

    /** The run's status. */
    public ReportAssert hasStatus(RunStatus status) {
        isNotNull();
        if (actual.status() != status) {
            failWithMessage("expected the run to end %s, but it ended %s:%n%s", status, actual.status(), actual);
        }
        return this;
    }

    /** The secret's value appears neither in the report's table nor in its JSON. */
    public ReportAssert doesNotReveal(dev.runbook.core.Secret secret) {
        isNotNull();
        var found = Revealed.where(secret, actual);
        if (!found.isEmpty()) {
            failWithMessage("expected the report not to reveal the secret, but it is in %s", found);
        }
        return this;
    }

    /** The run ended {@link RunStatus#SUCCEEDED}. */
    public ReportAssert succeeded() {
        return hasStatus(RunStatus.SUCCEEDED);
    }

    /** The run ended {@link RunStatus#FAILED}. */
    public ReportAssert failed() {
        return hasStatus(RunStatus.FAILED);
    }

    /** The run ended {@link RunStatus#ROLLED_BACK}. */
    public ReportAssert rolledBack() {
        return hasStatus(RunStatus.ROLLED_BACK);
    }

    /** The outcomes of all steps, in order (rollback steps included). */
    public ReportAssert hasOutcomes(Outcome... outcomes) {
        isNotNull();
        List<Outcome> got = actual.steps().stream().map(StepOutcome::outcome).toList();
        if (!got.equals(List.of(outcomes))) {
            failWithMessage("expected outcomes %s, but got %s:%n%s", List.of(outcomes), got, actual);
        }
        return this;
    }

    /** The report reads back from its JSON as an equal report. */
    public ReportAssert survivesJson() {
        isNotNull();
        Report back = Report.fromJson(actual.toJson());
        if (!back.equals(actual)) {
            failWithMessage("expected the report to survive JSON, but it read back as%n%s", back);
        }
        return this;
    }

    /** Assertions on the outcome of the step with this id; fails if there is none. */
    public StepOutcomeAssert step(String stepId) {
        isNotNull();
        StepOutcome o = actual.steps().stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElse(null);
        if (o == null) {
            failWithMessage(
                    "expected a step '%s' in the report, but its steps are %s",
                    stepId, actual.steps().stream().map(StepOutcome::stepId).toList());
        }
        return new StepOutcomeAssert(o, this);
    }
}
