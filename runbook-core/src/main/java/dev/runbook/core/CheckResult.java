package dev.runbook.core;

/**
 * What a precheck or verification read and whether it held.
 *
 * <pre>{@code
 * CheckResult r = check.evaluate(); // passed=true, observed="0.93"
 * }</pre>
 *
 * @param probe the probe's name
 * @param condition the condition's description
 * @param passed whether the condition held
 * @param observed the value read, as text
 * @param error the read's error, if it failed
 */
public record CheckResult(String probe, String condition, boolean passed, String observed, String error) {

    /** One sentence for plans and reports. */
    public String sentence() {
        return probe + " " + condition + ": "
                + (error != null
                        ? "could not read (" + error + ")"
                        : observed + (passed ? " holds" : " does not hold"));
    }
}
