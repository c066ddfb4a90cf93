package dev.runbook.cli;

import dev.runbook.core.Json;
import dev.runbook.core.registry.ConnectionSpec;
import dev.runbook.core.registry.ParameterSpec;
import dev.runbook.core.registry.RunbookSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code runbook list}: the registered runbooks, their parameters and the connections they need. */
@Command(name = "list", description = "List the registered runbooks, their parameters and connections.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<RunbookSpec> specs = Workspace.fromEnvironment(null).registry().runbooks();
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (RunbookSpec s : specs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id());
                m.put("title", s.title());
                m.put("severity", s.severity() == null ? null : s.severity().label());
                m.put("description", s.description());
                m.put("parameters", s.parameters());
                m.put("connections", s.connections());
                list.add(m);
            }
            out.println(Json.writePretty(list));
            return ExitCode.OK.code();
        }
        for (RunbookSpec s : specs) {
            out.printf(
                    "%s  %s  (%s)%n",
                    s.id(), s.title(), s.severity() == null ? "-" : s.severity().label());
            if (!s.description().isEmpty()) {
                out.println("  " + s.description());
            }
            for (ConnectionSpec c : s.connections()) {
                out.printf("  connection %-18s %-8s %s%n", c.name(), c.kind(), c.description());
            }
            for (ParameterSpec p : s.parameters()) {
                out.printf(
                        "  --param %-17s %-8s %-10s %s%n",
                        p.name(),
                        p.type().label(),
                        p.required() ? "(required)" : "=" + p.defaultValue(),
                        p.description());
            }
            out.println();
        }
        out.println(specs.size() + " runbooks");
        return ExitCode.OK.code();
    }
}
