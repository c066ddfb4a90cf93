package dev.runbook.core;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

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

    /**
     * The server this probe reads, which the engine checks once per plan before a precheck reads it (see
     * {@link Endpoint}); empty by default.
     */
    default Optional<Endpoint> endpoint() {
        return Optional.empty();
    }

    /** A probe that derives a value from this one: {@code memory.map(Memory::ratio)}; same endpoint. */
    default <R> Probe<R> map(String name, Function<? super T, ? extends R> f) {
        Probe<T> self = this;
        return of(name, self.endpoint().orElse(null), () -> f.apply(self.read()));
    }

    /** A probe from a name and a supplier. */
    static <T> Probe<T> of(String name, Supplier<T> reader) {
        return of(name, null, reader);
    }

    /** A probe from a name, the server it reads (or null) and a supplier. */
    static <T> Probe<T> of(String name, Endpoint endpoint, Supplier<T> reader) {
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
            public Optional<Endpoint> endpoint() {
                return Optional.ofNullable(endpoint);
            }

            @Override
            public String toString() {
                return "Probe[" + name + "]";
            }
        };
    }
}
