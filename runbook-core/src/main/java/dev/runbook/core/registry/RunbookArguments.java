package dev.runbook.core.registry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The typed parameter values and the connections a registered runbook is built from, made by {@link
 * RunbookRegistry#arguments}; it also owns the clients the runbook opened ({@link #closeLater}), which
 * {@link #close()} closes, last opened first.
 *
 * <pre>{@code
 * try (RunbookArguments args = registry.arguments("INC-004", Map.of("alertRatio", "0.95"), connections)) {
 *     Runbook rb = registry.find("INC-004").build(args);
 *     Plan plan = engine.plan(rb);
 * }
 * }</pre>
 */
public final class RunbookArguments implements AutoCloseable {
    private final String runbookId;
    private final Map<String, Object> values;
    private final Map<String, Connection> connections;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    RunbookArguments(String runbookId, Map<String, Object> values, Map<String, Connection> connections) {
        this.runbookId = runbookId;
        this.values = Map.copyOf(values);
        this.connections = Map.copyOf(connections);
    }

    /** Arguments made directly, for tests: typed values and connections, by name. */
    public static RunbookArguments of(String runbookId, Map<String, ?> values, Map<String, Connection> connections) {
        return new RunbookArguments(runbookId, new LinkedHashMap<>(values), connections);
    }

    /** The typed values, by parameter name (defaults included). */
    public Map<String, Object> values() {
        return values;
    }

    /** A text parameter. */
    public String string(String name) {
        return get(name, String.class);
    }

    /** A whole-number parameter. */
    public long integer(String name) {
        return get(name, Long.class);
    }

    /** A number parameter. */
    public double decimal(String name) {
        return get(name, Double.class);
    }

    /** A boolean parameter. */
    public boolean bool(String name) {
        return get(name, Boolean.class);
    }

    /** A duration parameter. */
    public Duration duration(String name) {
        return get(name, Duration.class);
    }

    /**
     * A connection the runbook declared.
     *
     * @throws IllegalArgumentException naming the connections there are, if there is none by this name
     */
    public Connection connection(String name) {
        Connection c = connections.get(name);
        if (c == null) {
            throw new IllegalArgumentException(runbookId + " has no connection '" + name + "'; it has "
                    + connections.keySet() + " (declare it in the RunbookSpec and set it in the profile)");
        }
        return c;
    }

    /** Registers something the runbook opened (a client), for {@link #close()}; returns it. */
    public synchronized <T extends AutoCloseable> T closeLater(T resource) {
        opened.push(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    /** Closes what the runbook opened, last first; the first failure is thrown after all were tried. */
    @Override
    public synchronized void close() {
        RuntimeException first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing a client of " + runbookId + " failed: " + e, e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private <T> T get(String name, Class<T> type) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(
                    runbookId + " has no parameter '" + name + "'; it has " + values.keySet());
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException(runbookId + " parameter '" + name + "' is a "
                    + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    @Override
    public String toString() {
        return "RunbookArguments[" + runbookId + " " + values + ", connections " + connections.values() + "]";
    }
}
