package dev.runbook.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runbook resume RUN-ID}: finishes a run that stopped before it ended (a crash, a killed process,
 * a failed audit sink), from the journal in {@code $RUNBOOK_HOME/journal}: finished steps are not
 * repeated, the rest run from the original plan (the core engine's {@code resume}).
 */
@Command(name = "resume", description = "Resume a run that stopped before it ended (from the journal).")
final class ResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN-ID", description = "The run's id, as the report and the audit name it.")
    String runId;

    @Mixin
    RunOptions options = new RunOptions();

    @Override
    public Integer call() {
        Workspace ws = Workspace.fromEnvironment(options.profiles);
        Path sidecar = SidecarJournal.sidecar(ws.journalDir(), runId);
        if (!Files.isRegularFile(sidecar)) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    "no run '" + runId + "' in the journal " + ws.journalDir() + "; unfinished runs there: "
                            + dev.runbook.core.Journal.files(ws.journalDir()).unfinished());
        }
        SavedPlan saved = SavedPlan.read(sidecar);
        return Applier.run(spec.commandLine().getOut(), spec.commandLine().getErr(), ws, saved, options, runId);
    }
}
