package dev.runbook.cli;

/**
 * The {@code runbook} command's exit codes, one per outcome, so that a bot can branch on them.
 *
 * <pre>{@code
 * ./runbook apply plan.json --approve-as alice --reason "INC-2211"; echo $?   # 0 applied, 4 needs approval
 * }</pre>
 */
public enum ExitCode {
    /** {@code apply}/{@code resume}: every step succeeded; {@code list}, {@code audit}: done. */
    OK(0, "applied (apply, resume); done (list, audit verify, audit timeline)"),
    /** A step failed (the report says which), the run was rolled back, or the audit chain is broken. */
    FAILED(1, "failed: a step failed or was rolled back, or the audit chain is broken"),
    /** Unknown command, option, runbook or parameter; a bad value; an unreadable profile or plan file. */
    BAD_USAGE(2, "bad usage: unknown command, option, runbook or parameter, bad value, unreadable file"),
    /** Nothing was changed: the plan is stale, edited, for another environment, or a guard refused it. */
    REFUSED(3, "refused: stale or edited plan, other environment, guard, precheck no longer holds; nothing changed"),
    /** The run stopped at the first step that needs an approval; that step changed nothing. */
    NEEDS_APPROVAL(4, "needs approval: stopped before the first destructive step (or manual confirmation)"),
    /** {@code plan}: the plan was made and is ready (it may change nothing); nothing was applied. */
    PLANNED(5, "planned / nothing to do: the plan is ready to review and apply; nothing was changed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }

    /** One sentence for the help text and the README. */
    public String meaning() {
        return meaning;
    }
}
