package dev.runbook.core;

/**
 * An action refuses to run on these inputs or on a target in this state (a pattern that matches
 * everything, an active consumer group, a replica where a primary is needed). Nothing was changed.
 *
 * <pre>{@code
 * throw new RefusedException("pattern '*' matches every key; name a prefix such as 'cache:wms:*'");
 * }</pre>
 */
public class RefusedException extends RunbookException {
    private static final long serialVersionUID = 1L;

    public RefusedException(String message) {
        super(message);
    }

    public RefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
