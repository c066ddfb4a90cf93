package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path dir;

    /** A path typo is bad usage (2), not a broken chain (1), which a bot reads as tampering. */
    @Test
    void auditOfAFileThatIsNotThere_isBadUsage_notABrokenChain() {
        String missing = dir.resolve("INC-04.jsonl").toString();
        for (String cmd : new String[] {"verify", "timeline"}) {
            Run r = run("audit", cmd, missing);
            assertThat(r.code).as(cmd + "\n" + r.err).isEqualTo(2);
            assertThat(r.err).contains("no audit file " + missing).contains("audit/<runbook id>.jsonl");
            assertThat(r.out).isEmpty();
        }
    }

    /** A RUNBOOK_BINDING_KEY too short to bind anything is a setting to correct (2), not a crash (1). */
    @Test
    void aBindingKeyTooShort_isBadUsage_namingTheVariable_neverItsValue() {
        Workspace ws =
                new Workspace(dir, dir.resolve("profiles.properties"), Map.of("RUNBOOK_BINDING_KEY", "hunter2")::get);
        assertThatThrownBy(ws::bindingKey)
                .isInstanceOf(CliException.class)
                .hasMessageContaining("RUNBOOK_BINDING_KEY")
                .hasMessageContaining("openssl rand -hex 32")
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCode.BAD_USAGE));
    }
}
