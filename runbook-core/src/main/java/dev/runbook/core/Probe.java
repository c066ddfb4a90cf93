package dev.runbook.core;

import java.util.function.Function;

/**
 * A read-only measurement: consumer lag, replica lag, memory ratio, ready replicas, DLQ depth, health.
 * Reading a probe never changes its target.
 *
 * <pre>{@code
 * Probe<Double> memory = Probe.of("redis memory ratio", () -> 0.93);
 * Probes.waitUntil(memory, Conditions.below(0.8), Duration.ofMinutes(2));
 * }</pre>
 *
 * @param <T> what the probe measures
 */
public interface Probe<T> {

    /** What is measured, for people: {@code redis 127.0.0.1:6379 used/maxmemory}. */
    String name();

    /**
     * Measures once.
     *
     * @throws TargetUnavailableException if the target cannot be read
     */
    T read();

    /** A probe that derives a value from this one: {@code memory.map(Memory::ratio)}. */
    default <R> Probe<R> map(String name, Function<? super T, ? extends R> f) {
        Probe<T> self = this;
        return new Probe<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public R read() {
                return f.apply(self.read());
            }
        };
    }

    /** A probe from a name and a supplier. */
    static <T> Probe<T> of(String name, java.util.function.Supplier<T> reader) {
        return new Probe<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public T read() {
                return reader.get();
            }

            @Override
            public String toString() {
                return "Probe[" + name + "]";
            }
        };
    }
}
