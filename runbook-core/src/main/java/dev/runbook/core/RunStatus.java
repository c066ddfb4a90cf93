package dev.runbook.core;

/**
 * How a whole run ended.
 *
 * <pre>{@code
 * if (report.status() != RunStatus.SUCCEEDED) page(report);
 * }</pre>
 */
public enum RunStatus {
    /** Every step succeeded. */
    SUCCEEDED,
    /** A step failed; see the report for which and why. */
    FAILED,
    /** A step failed and the inverses of the changed steps were applied. */
    ROLLED_BACK
}
