package dev.runbook.core;

/**
 * The target could not be reached or stopped answering (connection refused, timeout, authentication
 * failure). The message names the target and what to check.
 *
 * <pre>{@code
 * throw new TargetUnavailableException("redis 127.0.0.1:6390 refused the connection; is it running?", e);
 * }</pre>
 */
public class TargetUnavailableException extends RunbookException {
    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    public TargetUnavailableException(String message, Throwable cause) {
        this(message, cause, true);
    }

    public TargetUnavailableException(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Whether trying again later may succeed (a timeout may; a wrong password will not). */
    public boolean retriable() {
        return retriable;
    }
}
