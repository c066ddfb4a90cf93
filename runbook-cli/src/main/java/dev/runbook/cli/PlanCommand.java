package dev.runbook.cli;

import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.registry.ParameterSpec;
import dev.runbook.core.registry.RunbookArguments;
import dev.runbook.core.registry.RunbookSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runbook plan ID --profile NAME [--param k=v]... [--json] [--out FILE]}: the dry run, which only
 * reads. Exit 5 (planned) when the plan is ready, 3 (refused) when it is not.
 */
@Command(name = "plan", description = "Plan a runbook (reads only); print it as a table or JSON, save it for apply.")
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The runbook's id, such as INC-004 ('runbook list').")
    String id;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "NAME",
            description = "The profile of connection settings.")
    String profile;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A parameter value; repeat for more.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(
            names = "--profiles",
            paramLabel = "PATH",
            description = "The profile file (default $RUNBOOK_HOME/profiles.properties, RUNBOOK_HOME=~/.runbook).")
    Path profiles;

    @Option(names = "--json", description = "Print the plan as JSON (schema/plan-v1.json) instead of a table.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Save the plan (JSON) for 'runbook apply FILE'.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Workspace ws = Workspace.fromEnvironment(profiles);
        RunbookSpec rs = ws.spec(id);
        Profiles p = ws.profiles();
        String environment = p.environment(profile);
        Map<String, String> values = new LinkedHashMap<>();
        try (RunbookArguments args = ws.arguments(rs, params, profile)) {
            for (ParameterSpec ps : rs.parameters()) {
                values.put(ps.name(), params.getOrDefault(ps.name(), ps.defaultValue()));
            }
            Runbook runbook = ws.build(rs, args);
            RunbookEngine engine = ws.engine(environment).build();
            Plan plan = engine.plan(runbook);
            SavedPlan saved =
                    SavedPlan.of(profile, environment, values, ws.bindingKey().id(), plan);
            if (out != null) {
                write(out, saved.toJson());
            }
            if (json) {
                stdout.println(saved.toJson());
            } else {
                stdout.println(plan);
                if (out != null) {
                    stdout.println("saved to " + out
                            + (plan.isReady()
                                    ? "; review it, then: runbook apply " + out + " --approve-as NAME --reason TEXT"
                                    : ""));
                }
            }
            return (plan.isReady() ? ExitCode.PLANNED : ExitCode.REFUSED).code();
        }
    }

    private static void write(Path file, String text) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.BAD_USAGE, "cannot write plan file " + file + ": " + e.getMessage(), e);
        }
    }
}
