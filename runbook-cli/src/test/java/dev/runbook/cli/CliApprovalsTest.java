package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.ApprovalRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliApprovalsTest {
    static final String FP = "a".repeat(64);

    @TempDir
    Path dir;

    private static ApprovalRequest request(String fingerprint) {
        return new ApprovalRequest(
                ApprovalRequest.Kind.APPROVE_STEP, "run-1", "INC-004", "dev", "bot", null, null, null, fingerprint);
    }

    @Test
    void approveAs_approvesThisPlanOnly() {
        ApprovalGate gate = CliApprovals.gate("alice", "INC-2211", null, FP);
        assertThat(gate.decide(request(FP)).approved()).isTrue();
        assertThat(gate.decide(request(FP)).approver()).isEqualTo("alice");
        assertThat(gate.decide(request("b".repeat(64))).approved()).isFalse();
    }

    @Test
    void withoutApproval_everyRequestIsDenied_sayingHowToApprove() {
        ApprovalGate gate = CliApprovals.gate(null, null, null, FP);
        assertThat(gate.decide(request(FP)).approved()).isFalse();
        assertThat(gate.decide(request(FP)).reason()).contains("--approve-as NAME --reason TEXT");
    }

    @Test
    void approvalFile_mustNameThisPlansFingerprint() throws IOException {
        Path ok = Files.writeString(
                dir.resolve("ok.json"), "{\"planFingerprint\":\"" + FP + "\",\"approver\":\"bob\",\"reason\":\"r\"}");
        assertThat(CliApprovals.gate(null, null, ok, FP).decide(request(FP)).approver())
                .isEqualTo("bob");
        Path other = Files.writeString(
                dir.resolve("other.json"),
                "{\"planFingerprint\":\"" + "c".repeat(64) + "\",\"approver\":\"bob\",\"reason\":\"r\"}");
        assertThatThrownBy(() -> CliApprovals.gate(null, null, other, FP))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("not this plan")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.REFUSED));
        // the 12 digits the plan table shows: the right plan, cut short; the message says so, not "a, not a"
        Path shortFp = Files.writeString(
                dir.resolve("short.json"),
                "{\"planFingerprint\":\"" + FP.substring(0, 12) + "\",\"approver\":\"bob\",\"reason\":\"r\"}");
        assertThatThrownBy(() -> CliApprovals.gate(null, null, shortFp, FP))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("12 of its 64 hex digits")
                .hasMessageContaining(".plan.fingerprint")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.BAD_USAGE));
        assertThatThrownBy(() -> CliApprovals.gate(null, null, dir.resolve("nope.json"), FP))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("no approval file " + dir.resolve("nope.json"))
                .hasMessageContaining("planFingerprint")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.BAD_USAGE));
        Path partial = Files.writeString(dir.resolve("partial.json"), "{\"planFingerprint\":\"" + FP + "\"}");
        assertThatThrownBy(() -> CliApprovals.gate(null, null, partial, FP))
                .hasMessageContaining("needs planFingerprint, approver and reason");
    }

    @Test
    void badCombinations_areBadUsage() {
        assertThatThrownBy(() -> CliApprovals.gate("alice", null, null, FP)).hasMessageContaining("--reason");
        assertThatThrownBy(() -> CliApprovals.gate(null, "why", null, FP)).hasMessageContaining("--approve-as");
        assertThatThrownBy(() -> CliApprovals.gate("alice", "r", Path.of("x"), FP))
                .hasMessageContaining("not both");
    }
}
