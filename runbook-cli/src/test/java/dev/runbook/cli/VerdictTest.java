package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Outcome;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepKind;
import dev.runbook.core.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static StepOutcome step(String id, StepKind kind, Outcome outcome, String error) {
        return new StepOutcome(id, kind, id, outcome, id + " said so", Duration.ZERO, null, null, null, error, null);
    }

    private static Report report(RunStatus status, StepOutcome... steps) {
        return new Report(
                "run-1", "plan-1", "INC-004", status, "bot", null, Instant.EPOCH, Instant.EPOCH, List.of(steps));
    }

    @Test
    void succeeded_isOk() {
        assertThat(Verdict.of(report(RunStatus.SUCCEEDED, step("a", StepKind.ACTION, Outcome.CHANGED, null)))
                        .code())
                .isEqualTo(ExitCode.OK);
    }

    @Test
    void aDeniedApproval_needsApproval() {
        Verdict v = Verdict.of(report(
                RunStatus.FAILED,
                step("check", StepKind.PRECHECK, Outcome.UNCHANGED, null),
                step(
                        "delete",
                        StepKind.ACTION,
                        Outcome.FAILED,
                        "ApprovalDeniedException: step delete was not approved"),
                step("config", StepKind.ACTION, Outcome.NOT_ATTEMPTED, null)));
        assertThat(v.code()).isEqualTo(ExitCode.NEEDS_APPROVAL);
        assertThat(v.message()).contains("step delete needs an approval").contains("--approve-as");
    }

    @Test
    void staleOrFailedPrecheck_beforeAnyChange_isRefused_butAfterAChange_isFailed() {
        assertThat(Verdict.of(report(
                                RunStatus.FAILED, step("check", StepKind.PRECHECK, Outcome.FAILED, "CheckFailed: x")))
                        .code())
                .isEqualTo(ExitCode.REFUSED);
        assertThat(Verdict.of(report(
                                RunStatus.FAILED,
                                step("delete", StepKind.ACTION, Outcome.FAILED, "StalePlanException: moved")))
                        .code())
                .isEqualTo(ExitCode.REFUSED);
        Verdict partial = Verdict.of(report(
                RunStatus.FAILED,
                step("delete", StepKind.ACTION, Outcome.CHANGED, null),
                step("config", StepKind.ACTION, Outcome.FAILED, "StalePlanException: moved")));
        assertThat(partial.code()).isEqualTo(ExitCode.FAILED);
        assertThat(partial.message()).contains("step config failed");
    }

    @Test
    void aFailedStepOrRollback_isFailed_andThrownRefusalsMapToTheirCodes() {
        assertThat(Verdict.of(report(
                                RunStatus.ROLLED_BACK,
                                step("wait", StepKind.WAIT, Outcome.FAILED, "WaitTimedOut: memory still high")))
                        .code())
                .isEqualTo(ExitCode.FAILED);
        assertThat(Verdict.of(new StalePlanException("edited")).code()).isEqualTo(ExitCode.REFUSED);
        assertThat(Verdict.of(new CliException(ExitCode.BAD_USAGE, "x")).code()).isEqualTo(ExitCode.BAD_USAGE);
        assertThat(Verdict.of(new IllegalStateException("boom")).code()).isEqualTo(ExitCode.FAILED);
    }
}
