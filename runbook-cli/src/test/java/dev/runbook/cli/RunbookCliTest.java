package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The command line itself: help on every command, as every usage error suggests. */
class RunbookCliTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RunbookCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommand_hasTheHelpItsUsageErrorsPointTo() {
        Run missing = run("plan");
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("Try 'runbook plan --help'");

        for (String[] cmd : new String[][] {
            {"plan"}, {"apply"}, {"resume"}, {"list"}, {"audit"}, {"audit", "verify"}, {"audit", "timeline"}
        }) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            Run help = run(args);
            assertThat(help.code).as(String.join(" ", args) + "\n" + help.err).isZero();
            assertThat(help.out).contains("Usage: runbook " + String.join(" ", cmd));
            assertThat(help.err).isEmpty();
        }
        Run top = run("--help");
        assertThat(top.code).isZero();
        assertThat(top.out).contains("Exit codes:").contains("needs approval");
    }
}
