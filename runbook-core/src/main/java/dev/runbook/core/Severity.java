package dev.runbook.core;

/**
 * How bad the incident is, as the seeds grade it: SEV-1 (everything down) to SEV-4 (cosmetic).
 *
 * <pre>{@code
 * Runbook.builder("INC-004", "Redis OOM").severity(Severity.SEV2)
 * }</pre>
 */
public enum Severity {
    SEV1,
    SEV2,
    SEV3,
    SEV4;

    /** The label people write: {@code SEV-1}. */
    public String label() {
        return "SEV-" + name().substring(3);
    }
}
