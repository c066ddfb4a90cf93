package dev.runbook.core.notify;

import dev.runbook.core.RunbookException;

/**
 * A notification, page, status page call or approval request was not delivered: the service refused
 * it (a 4xx, not retried) or stayed unreachable or failing (5xx, 429) through every retry. The message
 * names the service by its safe name (never a URL with a token), what it answered, and what to check.
 *
 * <pre>{@code
 * try { slack.send(n); } catch (NotificationFailedException e) { log.warn(e.getMessage()); }
 * }</pre>
 */
public class NotificationFailedException extends RunbookException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public NotificationFailedException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the service answered last, or 0 when it could not be reached. */
    public int status() {
        return status;
    }
}
