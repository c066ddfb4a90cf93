package dev.runbook.test;

import dev.runbook.core.Probe;
import dev.runbook.core.TargetUnavailableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A probe that returns scripted values in order, repeating the last one, and counts its reads: plan a
 * runbook's checks and waits without a server.
 *
 * <pre>{@code
 * FakeProbe<Double> memory = FakeProbe.of("redis memory ratio", 0.95, 0.85, 0.62);
 * // precheck reads 0.95; the wait reads 0.85, then 0.62 and is satisfied
 * memory.failNext("redis went away");  // the next read throws TargetUnavailableException
 * }</pre>
 *
 * @param <T> the value type
 */
public final class FakeProbe<T> implements Probe<T> {
    private final String name;
    private final Deque<Supplier<T>> script = new ArrayDeque<>();
    private Supplier<T> last;
    private int reads;

    private FakeProbe(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** A probe reading {@code first}, then each of {@code then}, then the last value forever. */
    @SafeVarargs
    public static <T> FakeProbe<T> of(String name, T first, T... then) {
        FakeProbe<T> p = new FakeProbe<>(name);
        p.then(first);
        p.then(then);
        return p;
    }

    /** A probe with no value yet: reading it fails until {@link #set(Object)} or {@link #then(Object[])}. */
    public static <T> FakeProbe<T> unscripted(String name) {
        return new FakeProbe<>(name);
    }

    /** Appends values to the script. */
    @SafeVarargs
    public final synchronized FakeProbe<T> then(T... values) {
        for (T v : values) {
            script.addLast(() -> v);
        }
        return this;
    }

    /** Replaces the script: every read from now on gives {@code value}. */
    public synchronized FakeProbe<T> set(T value) {
        script.clear();
        last = () -> value;
        return this;
    }

    /** The next read throws a {@link TargetUnavailableException} with {@code message}; later reads go on. */
    public synchronized FakeProbe<T> failNext(String message) {
        script.addFirst(() -> {
            throw new TargetUnavailableException(message, null);
        });
        return this;
    }

    /** How many times the probe was read. */
    public synchronized int reads() {
        return reads;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized T read() {
        reads++;
        Supplier<T> next = script.pollFirst();
        if (next == null) {
            if (last == null) {
                throw new IllegalStateException(
                        "fake probe '" + name + "' has no value; script one with set(value) or" + " then(values...)");
            }
            return last.get();
        }
        T value = next.get();
        last = () -> value;
        return value;
    }

    @Override
    public String toString() {
        return "FakeProbe[" + name + ", " + reads + " reads]";
    }
}
