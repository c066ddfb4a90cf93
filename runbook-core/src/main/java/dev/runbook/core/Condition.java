package dev.runbook.core;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A described predicate on a probe's value, so that checks and waits print what they wait for.
 *
 * <pre>{@code
 * Condition<Number> hot = Conditions.above(0.9);
 * hot.test(0.93); // true; hot.description() is "> 0.9"
 * }</pre>
 *
 * @param description what must hold, for people
 * @param predicate the test
 * @param <T> the value type
 */
public record Condition<T>(String description, Predicate<? super T> predicate) {
    public Condition {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(predicate, "predicate");
    }

    /** Whether the value satisfies the condition; null never does. */
    public boolean test(T value) {
        return value != null && predicate.test(value);
    }

    /** A condition from a description and a predicate. */
    public static <T> Condition<T> of(String description, Predicate<? super T> predicate) {
        return new Condition<>(description, predicate);
    }

    @Override
    public String toString() {
        return description;
    }
}
