package dev.runbook.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runbook apply PLAN.json [--approve-as NAME --reason TEXT | --approval FILE]}: applies exactly
 * the saved, reviewed plan, or refuses it (exit 3) if the runbook or the world moved since; without an
 * approval it stops before the first destructive step (exit 4).
 */
@Command(name = "apply", description = "Apply a saved plan exactly as reviewed, or refuse it if the world moved.")
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLAN.json", description = "A plan saved by 'runbook plan ... --out'.")
    Path planFile;

    @Mixin
    RunOptions options = new RunOptions();

    @Override
    public Integer call() {
        Workspace ws = Workspace.fromEnvironment(options.profiles);
        SavedPlan saved = SavedPlan.read(planFile);
        return Applier.run(spec.commandLine().getOut(), spec.commandLine().getErr(), ws, saved, options, null);
    }
}
