package dev.runbook.core;

import java.util.Objects;

/**
 * Common conditions for checks and waits.
 *
 * <pre>{@code
 * import static dev.runbook.core.Conditions.*;
 * waitUntil(lag, atMost(1_000), Duration.ofMinutes(5));
 * }</pre>
 */
public final class Conditions {
    private Conditions() {}

    /** Strictly greater than {@code threshold}. */
    public static Condition<Number> above(double threshold) {
        return Condition.of("> " + fmt(threshold), n -> n.doubleValue() > threshold);
    }

    /** Strictly less than {@code threshold}. */
    public static Condition<Number> below(double threshold) {
        return Condition.of("< " + fmt(threshold), n -> n.doubleValue() < threshold);
    }

    /** Less than or equal to {@code threshold}. */
    public static Condition<Number> atMost(double threshold) {
        return Condition.of("<= " + fmt(threshold), n -> n.doubleValue() <= threshold);
    }

    /** Greater than or equal to {@code threshold}. */
    public static Condition<Number> atLeast(double threshold) {
        return Condition.of(">= " + fmt(threshold), n -> n.doubleValue() >= threshold);
    }

    /** Equal to {@code expected}. */
    public static <T> Condition<T> equalTo(T expected) {
        return Condition.of("== " + expected, v -> Objects.equals(v, expected));
    }

    /** Numerically equal to zero. */
    public static Condition<Number> zero() {
        return Condition.of("== 0", n -> n.doubleValue() == 0.0);
    }

    /** True. */
    public static Condition<Boolean> isTrue() {
        return Condition.of("is true", Boolean::booleanValue);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
