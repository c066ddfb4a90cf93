package dev.runbook.flink;

/**
 * The format of a savepoint, always chosen explicitly: {@link #CANONICAL} can be restored with another
 * state backend and across versions; {@link #NATIVE} is the state backend's own (faster to take and
 * restore, tied to the backend).
 *
 * <pre>{@code
 * flink.triggerSavepoint(jobId, "file:///savepoints", SavepointFormat.CANONICAL)
 * }</pre>
 */
public enum SavepointFormat {
    CANONICAL,
    NATIVE
}
