package dev.runbook.test;

import dev.runbook.core.Outcome;
import dev.runbook.core.StepOutcome;
import dev.runbook.core.Verification;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one step of a report; {@link #and()} goes back to the report.
 *
 * <pre>{@code
 * assertThat(report).step("flush").hasOutcome(Outcome.CHANGED).hasCount("deleted", 10).verificationPassed();
 * }</pre>
 */
public final class StepOutcomeAssert extends AbstractAssert<StepOutcomeAssert, StepOutcome> {
    private final ReportAssert report;

    StepOutcomeAssert(StepOutcome actual, ReportAssert report) {
        super(actual, StepOutcomeAssert.class);
        this.report = report;
    }

    /** Back to the report's assertions. */
    public ReportAssert and() {
        return report;
    }

    /** The step's outcome. */
    public StepOutcomeAssert hasOutcome(Outcome outcome) {
        if (actual.outcome() != outcome) {
            failWithMessage(
                    "expected step %s to be %s, but it was %s: %s%s",
                    actual.stepId(),
                    outcome,
                    actual.outcome(),
                    actual.message(),
                    actual.error() == null ? "" : " (error: " + actual.error() + ")");
        }
        return this;
    }

    /** A count the step reported. */
    public StepOutcomeAssert hasCount(String what, long expected) {
        Long got = actual.counts().get(what);
        if (got == null || got != expected) {
            failWithMessage(
                    "expected step %s to count %s=%s, but its counts are %s",
                    actual.stepId(), what, expected, actual.counts());
        }
        return this;
    }

    /** The step's message contains {@code fragment}. */
    public StepOutcomeAssert hasMessageContaining(String fragment) {
        if (!actual.message().contains(fragment)) {
            failWithMessage(
                    "expected step %s's message to contain '%s', but it is '%s'",
                    actual.stepId(), fragment, actual.message());
        }
        return this;
    }

    /** The step's error contains {@code fragment}. */
    public StepOutcomeAssert hasErrorContaining(String fragment) {
        if (actual.error() == null || !actual.error().contains(fragment)) {
            failWithMessage(
                    "expected step %s's error to contain '%s', but it is %s",
                    actual.stepId(), fragment, actual.error());
        }
        return this;
    }

    /** The step has no error. */
    public StepOutcomeAssert hasNoError() {
        if (actual.error() != null) {
            failWithMessage("expected step %s to have no error, but it has: %s", actual.stepId(), actual.error());
        }
        return this;
    }

    /** The step's post-condition was checked and passed. */
    public StepOutcomeAssert verificationPassed() {
        Verification v = actual.verification();
        if (v == null || v.status() != Verification.Status.PASSED) {
            failWithMessage("expected step %s's verification to pass, but it is %s", actual.stepId(), v);
        }
        return this;
    }

    /** An item of the step had this outcome. */
    public StepOutcomeAssert hasItem(String item, Outcome outcome) {
        boolean found = actual.items().stream().anyMatch(i -> i.item().equals(item) && i.outcome() == outcome);
        if (!found) {
            failWithMessage(
                    "expected step %s to have item %s %s, but its items are %s",
                    actual.stepId(), item, outcome, actual.items());
        }
        return this;
    }
}
