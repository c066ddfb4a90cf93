package dev.runbook.test;

import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Secret;
import java.util.ArrayList;
import java.util.List;

/**
 * AssertJ-style assertions on plans and reports, with failure messages that print the plan or report
 * table.
 *
 * <pre>{@code
 * import static dev.runbook.test.RunbookAssertions.assertThat;
 *
 * assertThat(engine.plan(runbook)).isReady()
 *     .hasStep("flush-the-stock-cache").withChange(Change.CHANGE).withBlastRadius("keys", 10);
 * assertThat(engine.apply(runbook, plan)).succeeded()
 *     .step("flush-the-stock-cache").hasOutcome(Outcome.CHANGED);
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

    /**
     * Fails if the secret's value appears anywhere in these: a plan (its table and JSON), a report (table
     * and JSON), an exception (message, causes, suppressed, stack trace), a {@link RecordingAuditSink}
     * (every record, and its JSON), or anything else (its {@code toString} and JSON).
     *
     * <pre>{@code
     * assertDoesNotReveal(token, plan, report, audit, thrown);
     * }</pre>
     */
    public static void assertDoesNotReveal(Secret secret, Object... where) {
        List<String> found = new ArrayList<>();
        for (Object o : where) {
            Revealed.where(secret, o)
                    .forEach(f -> found.add(f + " of " + o.getClass().getSimpleName()));
        }
        if (!found.isEmpty()) {
            throw new AssertionError(
                    "expected the secret's value never to appear, but it is in: " + String.join("; ", found));
        }
    }
}
