package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.audit.AuditEvent;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ApprovalTest {
    private final Fixtures f = new Fixtures();

    @Test
    void deniedApproval_stopsTheRunBeforeTheStep_andIsAudited() {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2");
        Runbook rb = Runbook.builder("INC-5", "approvals")
                .step("set a", a)
                .step("set b", b)
                .build();
        RunbookEngine engine = f.engine()
                .approvals(req -> Approval.denied("carol", "not during the peak"))
                .build();
        Plan plan = engine.plan(rb);
        assertThat(plan.step("set-a").requiresApproval()).isTrue();

        Report report = engine.apply(rb, plan);

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.step("set-a").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.step("set-a").error())
                .startsWith("ApprovalDeniedException")
                .contains("carol")
                .contains("not during the peak");
        assertThat(report.step("set-b").outcome()).isEqualTo(Outcome.NOT_ATTEMPTED);
        assertThat(a.applies.get() + b.applies.get()).isZero();
        assertThat(f.store.get("a")).isEqualTo("1");
        AuditEvent denied = f.audit.events(AuditEvent.Type.APPROVAL_DENIED).get(0);
        assertThat(denied.stepId()).isEqualTo("set-a");
        assertThat(denied.actor()).isEqualTo("alice");
        assertThat(denied.data().get("approver").asText()).isEqualTo("carol");
        assertThat(denied.data().get("reason").asText()).isEqualTo("not during the peak");
        assertThat(f.audit.events(AuditEvent.Type.APPROVAL_DENIED)).hasSize(1);
        f.audit.assertPaired();
    }

    @Test
    void aGateThatThrows_countsAsADenial() {
        SetValue a = f.set("a", "2");
        Runbook rb = Runbook.builder("INC-5", "approvals").step("set a", a).build();
        RunbookEngine engine = f.engine()
                .approvals(req -> {
                    throw new IllegalStateException("slack is down");
                })
                .build();
        Report report = engine.apply(rb, engine.plan(rb));
        assertThat(report.step("set-a").error()).contains("slack is down");
        assertThat(a.applies.get()).isZero();
    }

    @Test
    void nonDestructiveSteps_needNoApprovalOutsideProd_butDoInProd() {
        SetValue a = f.set("a", "2").destructive(false);
        Runbook rb = Runbook.builder("INC-5", "approvals").step("set a", a).build();
        RunbookEngine dev = f.engine().approvals(ApprovalGate.denyAll("nobody")).build();
        assertThat(dev.plan(rb).step("set-a").requiresApproval()).isFalse();

        RunbookEngine prod = f.engine()
                .environment("prod")
                .guards(Guards.defaults())
                .approvals(ApprovalGate.denyAll("nobody"))
                .build();
        Report report = prod.apply(rb, prod.plan(rb));
        assertThat(report.step("set-a").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(a.applies.get()).isZero();
    }

    @Test
    void manualStep_confirmationIsAudited() {
        Runbook rb = Runbook.builder("INC-5", "manual")
                .manual("tell the team", "post in #wms-oncall")
                .build();
        Report report = f.engine().build().apply(rb, f.engine().build().plan(rb));
        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(f.audit.events(AuditEvent.Type.MANUAL_CONFIRMED))
                .singleElement()
                .satisfies(e -> assertThat(e.data().get("approver").asText()).isEqualTo("bob"));
    }

    @Test
    void consoleGate_yesNameAndReasonApproves() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ApprovalGate gate = ApprovalGate.console(
                new BufferedReader(new StringReader("yes\nalice\nflush approved in #oncall\n")),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        Approval a = gate.decide(request());

        assertThat(a.approved()).isTrue();
        assertThat(a.approver()).isEqualTo("alice");
        assertThat(a.reason()).isEqualTo("flush approved in #oncall");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Approve step set-a of INC-5")
                .contains("set a from 1 to 2")
                .contains("Type 'yes' to approve");
    }

    @Test
    void consoleGate_anythingButYesDenies_andAYesNeedsAName() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Approval no = ApprovalGate.console(new BufferedReader(new StringReader("no\n")), sink)
                .decide(request());
        Approval eof = ApprovalGate.console(new BufferedReader(new StringReader("")), sink)
                .decide(request());
        Approval nameless = ApprovalGate.console(new BufferedReader(new StringReader("yes\n\n")), sink)
                .decide(request());

        assertThat(no.approved()).isFalse();
        assertThat(no.reason()).contains("'no'");
        assertThat(eof.approved()).isFalse();
        assertThat(nameless.approved()).isFalse();
        assertThat(nameless.reason()).contains("no name");
    }

    private ApprovalRequest request() {
        Runbook rb = Runbook.builder("INC-5", "approvals")
                .step("set a", f.set("a", "2"))
                .build();
        Plan plan = f.engine().build().plan(rb);
        return new ApprovalRequest(
                ApprovalRequest.Kind.APPROVE_STEP, "run-1", "INC-5", "dev", "alice", plan.step("set-a"), null);
    }
}
