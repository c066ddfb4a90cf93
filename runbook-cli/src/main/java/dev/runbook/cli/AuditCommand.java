package dev.runbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.notify.PostMortem;
import dev.runbook.notify.TimelineEntry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook audit verify FILE} and {@code runbook audit timeline FILE}. */
@Command(
        name = "audit",
        description = "Verify a hash-chained audit file, or print its timeline.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Timeline.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a command: verify or timeline");
    }

    /**
     * Whether the audit file is there; if not, says so (a path typo is bad usage, exit 2, not a broken
     * chain, exit 1, which a bot reads as tampering).
     */
    static boolean isThere(CommandSpec spec, Path file) {
        if (Files.isRegularFile(file)) {
            return true;
        }
        spec.commandLine()
                .getErr()
                .println("runbook: no audit file " + file + "; each runbook's runs write"
                        + " $RUNBOOK_HOME/audit/<runbook id>.jsonl unless apply was given --audit FILE");
        return false;
    }

    /** Verifies the chain; exit 0 if intact, 1 naming the first broken line. */
    @Command(name = "verify", description = "Verify the hash chain of an audit file (exit 1 if broken).")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(
                names = "--head",
                paramLabel = "HASH",
                description = "The hash the file must end at (detects records cut off its end).")
        String head;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!isThere(spec, file)) {
                return ExitCode.BAD_USAGE.code();
            }
            try {
                List<JsonNode> records =
                        head == null ? AuditLogVerifier.verify(file) : AuditLogVerifier.verify(file, head);
                String last = records.isEmpty()
                        ? "-"
                        : records.get(records.size() - 1).get("hash").asText();
                out.println(file + ": " + records.size() + " records, hash chain verified, head " + last);
                return ExitCode.OK.code();
            } catch (AuditException e) {
                spec.commandLine().getErr().println("runbook: " + e.getMessage());
                return ExitCode.FAILED.code();
            }
        }
    }

    /** The incident timeline from a verified audit file (runbook-notify's post-mortem export). */
    @Command(name = "timeline", description = "Print the timeline of a verified audit file (UTC).")
    static final class Timeline implements Callable<Integer> {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--json", description = "Print the timeline as JSON.")
        boolean json;

        @Option(
                names = "--markdown",
                description = "Print the post-mortem template (seed 004) with the timeline filled in.")
        boolean markdown;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!isThere(spec, file)) {
                return ExitCode.BAD_USAGE.code();
            }
            PostMortem pm;
            try {
                pm = PostMortem.fromAudit(file).build();
            } catch (AuditException e) {
                spec.commandLine().getErr().println("runbook: " + e.getMessage());
                return ExitCode.FAILED.code();
            }
            if (json) {
                out.println(pm.timelineJson());
            } else if (markdown) {
                out.println(pm.toMarkdown());
            } else {
                out.println("verified: " + pm.verification());
                for (TimelineEntry e : pm.timeline()) {
                    out.printf(
                            "%s  %-12s %-34s %-10s %s%n",
                            TIME.format(e.time()),
                            e.kind(),
                            e.stepId() == null ? (e.runId() == null ? "" : e.runId()) : e.stepId(),
                            e.outcome() == null ? "" : e.outcome(),
                            e.event() + (e.actor() == null ? "" : " (" + e.actor() + ")"));
                }
            }
            return ExitCode.OK.code();
        }
    }
}
