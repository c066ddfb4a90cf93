package dev.runbook.cli;

import dev.runbook.core.ApprovalDeniedException;
import dev.runbook.core.GuardViolationException;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepKind;
import dev.runbook.core.StepOutcome;

/**
 * The exit code of a report or of an apply that threw, with one sentence: a step that was not approved
 * is NEEDS_APPROVAL; a stale plan, a guard, or a precheck that no longer holds, with nothing changed
 * before it, is REFUSED; any other failure is FAILED.
 *
 * <pre>{@code
 * Verdict v = Verdict.of(report);
 * System.exit(v.code().code());
 * }</pre>
 *
 * @param code the exit code
 * @param message one sentence, with the way out
 */
record Verdict(ExitCode code, String message) {

    static Verdict of(Report report) {
        if (report.status() == RunStatus.SUCCEEDED) {
            return new Verdict(ExitCode.OK, "applied: run " + report.runId() + " " + report.status());
        }
        boolean changedBefore = false;
        for (StepOutcome s : report.steps()) {
            if (s.outcome() == Outcome.FAILED || s.outcome() == Outcome.UNKNOWN) {
                String error = s.error() == null ? "" : s.error();
                if (error.startsWith(ApprovalDeniedException.class.getSimpleName())) {
                    return new Verdict(
                            ExitCode.NEEDS_APPROVAL,
                            "step " + s.stepId() + " needs an approval; it changed"
                                    + " nothing and the run stopped there. Apply the same plan again with --approve-as NAME"
                                    + " --reason TEXT (or --approval FILE)"
                                    + (changedBefore ? " after planning again" : ""));
                }
                boolean refusal = error.startsWith(StalePlanException.class.getSimpleName())
                        || error.startsWith(GuardViolationException.class.getSimpleName())
                        || error.startsWith(RefusedException.class.getSimpleName())
                        || (s.kind() == StepKind.PRECHECK && error.startsWith("CheckFailed"));
                if (refusal && !changedBefore) {
                    return new Verdict(
                            ExitCode.REFUSED,
                            "refused at step " + s.stepId() + ", nothing was changed: " + s.message()
                                    + ". The world moved since the plan: plan again and review the new plan");
                }
                return new Verdict(
                        ExitCode.FAILED,
                        "step " + s.stepId() + " failed (" + error + "); run " + report.runId() + " "
                                + report.status());
            }
            if (s.outcome() == Outcome.CHANGED) {
                changedBefore = true;
            }
        }
        return new Verdict(ExitCode.FAILED, "run " + report.runId() + " " + report.status());
    }

    /** An apply (or resume) that threw before or instead of a report. */
    static Verdict of(RuntimeException e) {
        if (e instanceof CliException c) {
            return new Verdict(c.exitCode(), c.getMessage());
        }
        if (e instanceof ApprovalDeniedException) {
            return new Verdict(ExitCode.NEEDS_APPROVAL, e.getMessage());
        }
        if (e instanceof StalePlanException || e instanceof RefusedException || e instanceof GuardViolationException) {
            return new Verdict(ExitCode.REFUSED, e.getMessage());
        }
        return new Verdict(ExitCode.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
