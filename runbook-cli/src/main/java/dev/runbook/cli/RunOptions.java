package dev.runbook.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options {@code apply} and {@code resume} share: approvals, audit, actor, JSON, profile file. */
final class RunOptions {
    @Option(
            names = "--approve-as",
            paramLabel = "NAME",
            description =
                    "Approve this plan's destructive steps and confirm its manual steps as NAME (needs --reason).")
    String approveAs;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why it is approved; goes into the audit.")
    String reason;

    @Option(
            names = "--approval",
            paramLabel = "FILE",
            description = "An approval file: {\"planFingerprint\", \"approver\", \"reason\"}, for this plan only.")
    Path approvalFile;

    @Option(
            names = "--audit",
            paramLabel = "FILE",
            description = "The hash-chained audit file (default $RUNBOOK_HOME/audit/<runbook id>.jsonl).")
    Path audit;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who runs it (default: the OS user).")
    String actor;

    @Option(names = "--incident", paramLabel = "ID", description = "The incident this run is for, such as INC-2211.")
    String incident;

    @Option(
            names = "--profiles",
            paramLabel = "PATH",
            description = "The profile file (default $RUNBOOK_HOME/profiles.properties).")
    Path profiles;

    @Option(names = "--json", description = "Print the report as JSON (schema/report-v1.json) instead of a table.")
    boolean json;
}
