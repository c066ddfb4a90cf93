package dev.runbook.cli;

import dev.runbook.core.RunbookException;

/**
 * A command's failure with the exit code it ends the process with, and a message that names the thing
 * and the way out.
 *
 * <pre>{@code
 * throw new CliException(ExitCode.BAD_USAGE, "profile 'prod' has no redis.url in " + file);
 * }</pre>
 */
public final class CliException extends RunbookException {
    private static final long serialVersionUID = 1L;

    private final transient ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The code the process ends with. */
    public ExitCode exitCode() {
        return exitCode;
    }
}
