package dev.runbook.core.audit;

import dev.runbook.core.RunbookException;

/**
 * An audit record could not be written, or an audit log failed verification. A run stops before its
 * next mutation when this happens.
 *
 * <pre>{@code
 * throw new AuditException("cannot append to /var/log/runbook/audit.jsonl: disk full; free space and resume the run", e);
 * }</pre>
 */
public class AuditException extends RunbookException {
    private static final long serialVersionUID = 1L;

    public AuditException(String message) {
        super(message);
    }

    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
