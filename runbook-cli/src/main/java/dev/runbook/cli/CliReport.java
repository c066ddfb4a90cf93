package dev.runbook.cli;

import dev.runbook.core.Json;
import dev.runbook.core.Report;

/**
 * What {@code runbook apply --json} and {@code resume --json} print: the outcome with its exit code,
 * one sentence, where the audit went, and the core {@link Report} (null when the apply was refused
 * before it started). Schema: {@code schema/report-v1.json}.
 *
 * <pre>{@code
 * {"format":"runbook-report/v1","outcome":"NEEDS_APPROVAL","exitCode":4,"message":"...","report":{...}}
 * }</pre>
 *
 * @param format always {@link #FORMAT}
 * @param outcome the {@link ExitCode} name
 * @param exitCode its number
 * @param message one sentence: what happened and what to do next
 * @param planFingerprint the fingerprint of the plan applied
 * @param auditFile the hash-chained audit file written
 * @param auditHead the hash the audit file ends at after this run (keep it to detect truncation)
 * @param report the report, or null if nothing ran
 */
public record CliReport(
        String format,
        String outcome,
        int exitCode,
        String message,
        String planFingerprint,
        String auditFile,
        String auditHead,
        Report report) {

    /** The format and version; the schema of the same version describes it. */
    public static final String FORMAT = "runbook-report/v1";

    static CliReport of(
            ExitCode code, String message, String planFingerprint, String auditFile, String auditHead, Report report) {
        return new CliReport(FORMAT, code.name(), code.code(), message, planFingerprint, auditFile, auditHead, report);
    }

    String toJson() {
        return Json.writePretty(this);
    }
}
