package dev.runbook.cli;

import dev.runbook.core.RunbookException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code runbook} command: list the registered runbooks, plan one (a table, or JSON for bots; saved
 * with {@code --out}), apply a saved plan exactly or refuse it, resume a crashed run, verify an audit
 * file and print its timeline. Exit codes: {@link ExitCode}.
 *
 * <pre>{@code
 * ./runbook list
 * ./runbook plan INC-004 --profile prod --param alertRatio=0.95 --out plan.json
 * ./runbook apply plan.json --approve-as alice --reason "INC-2211, reviewed in #wms-oncall"
 * }</pre>
 */
@Command(
        name = "runbook",
        mixinStandardHelpOptions = true,
        // every command has --help and --version: each usage error says "Try 'runbook plan --help'"
        scope = CommandLine.ScopeType.INHERIT,
        version = "runbook 0.1.0-SNAPSHOT",
        description = "Plan, apply and audit the registered runbooks (runbook-cli/README.md).",
        subcommands = {
            ListCommand.class,
            PlanCommand.class,
            ApplyCommand.class,
            ResumeCommand.class,
            AuditCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  applied (apply, resume); done (list, audit)",
            "  1  failed: a step failed or was rolled back; broken audit chain",
            "  2  bad usage: unknown command, option, runbook, parameter; bad value",
            "  3  refused: stale or edited plan, guard; nothing was changed",
            "  4  needs approval: stopped before the first destructive step",
            "  5  planned / nothing to do: ready to review; nothing was changed"
        })
public final class RunbookCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name a command: list, plan, apply, resume, audit");
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command with these streams; returns the exit code (tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new RunbookCli());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, a) -> {
            err.println("runbook: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.BAD_USAGE.code();
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            Verdict v =
                    ex instanceof RuntimeException re ? Verdict.of(re) : new Verdict(ExitCode.FAILED, ex.toString());
            err.println("runbook: " + v.message());
            if (v.code() == ExitCode.FAILED && !(ex instanceof RunbookException)) {
                if (System.getenv("RUNBOOK_DEBUG") != null) {
                    ex.printStackTrace(err);
                } else {
                    err.println("runbook: set RUNBOOK_DEBUG=1 for the stack trace");
                }
            }
            return v.code().code();
        });
        return cmd.execute(args);
    }
}
