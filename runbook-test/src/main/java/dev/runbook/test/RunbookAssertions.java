package dev.runbook.test;

import dev.runbook.core.Plan;
import dev.runbook.core.Report;

/**
 * AssertJ-style assertions on plans and reports, with failure messages that print the plan or report
 * table.
 *
 * <pre>{@code
 * import static dev.runbook.test.RunbookAssertions.assertThat;
 *
 * assertThat(engine.plan(runbook)).isReady()
 *     .hasStep("02-flush-the-stock-cache").withChange(Change.CHANGE).withBlastRadius("keys", 10);
 * assertThat(engine.apply(runbook, plan)).succeeded()
 *     .step("02-flush-the-stock-cache").hasOutcome(Outcome.CHANGED);
 * }</pre>
 */
public final class RunbookAssertions {
    private RunbookAssertions() {}

    /** Assertions on a plan. */
    public static PlanAssert assertThat(Plan plan) {
        return new PlanAssert(plan);
    }

    /** Assertions on a report. */
    public static ReportAssert assertThat(Report report) {
        return new ReportAssert(report);
    }
}
