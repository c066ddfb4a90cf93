package dev.runbook.cli;

import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.core.registry.RunbookArguments;
import dev.runbook.core.registry.RunbookSpec;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Applies a saved plan (or resumes a run of one): rebuilds the runbook from the plan's runbook id,
 * parameters and profile, builds the engine with the CLI's approval gate, the audit file and the
 * journal, and turns the report (or the refusal) into an exit code. It never plans again: the core
 * engine applies exactly the saved plan or refuses it.
 */
final class Applier {
    private Applier() {}

    /** Applies {@code saved}, or resumes run {@code resumeRunId} of it when not null; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, Workspace ws, SavedPlan saved, RunOptions o, String resumeRunId) {
        String fingerprint = saved.plan().fingerprint();
        Path auditFile = o.audit != null ? o.audit : ws.defaultAudit(saved.runbook());
        Verdict verdict;
        Report report = null;
        String head = null;
        try {
            RunbookSpec rs = ws.spec(saved.runbook());
            var gate = CliApprovals.gate(o.approveAs, o.reason, o.approvalFile, fingerprint);
            String environment = ws.profiles().environment(saved.profile());
            try (RunbookArguments args = ws.arguments(rs, saved.parameters(), saved.profile());
                    JsonLinesAuditSink audit = JsonLinesAuditSink.open(auditFile)) {
                Runbook runbook = ws.build(rs, args);
                RunbookEngine.Builder b = ws.engine(environment)
                        .approvals(gate)
                        .audit(audit)
                        .journal(new SidecarJournal(ws.journalDir(), saved));
                if (o.actor != null) {
                    b.actor(o.actor);
                }
                if (o.incident != null) {
                    b.incident(o.incident);
                }
                RunbookEngine engine = b.build();
                try {
                    report = resumeRunId == null
                            ? engine.apply(runbook, saved.plan())
                            : engine.resume(runbook, resumeRunId);
                    verdict = Verdict.of(report);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    verdict = new Verdict(ExitCode.BAD_USAGE, e.getMessage());
                } catch (RuntimeException e) {
                    verdict = Verdict.of(e);
                }
                head = audit.head();
            }
        } catch (RuntimeException e) {
            verdict = Verdict.of(e);
        }
        if (o.json) {
            out.println(CliReport.of(verdict.code(), verdict.message(), fingerprint, auditFile.toString(), head, report)
                    .toJson());
        } else {
            if (report != null) {
                out.println(report);
            }
            if (head != null) {
                out.println("audit: " + AuditLogVerifier.verify(auditFile).size() + " records in " + auditFile
                        + ", head " + head);
            }
        }
        // with --json, stdout carries the JSON document only (a bot pipes it to jq); the sentence is in it
        (verdict.code() == ExitCode.OK && !o.json ? out : err).println("runbook: " + verdict.message());
        return verdict.code().code();
    }
}
