package dev.runbook.core.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The runbooks on the class path, by id: every {@link RunbookProvider} found with {@link ServiceLoader},
 * and how to turn text parameters ({@code --param alertRatio=0.95}) into typed {@link RunbookArguments}.
 * The CLI, JShell and bots list and start runbooks through it the same way.
 *
 * <pre>{@code
 * RunbookRegistry registry = RunbookRegistry.load();
 * registry.runbooks().forEach(s -> System.out.println(s.id() + " " + s.title()));
 * try (RunbookArguments args = registry.arguments("INC-004", Map.of(), Map.of("redis", Connection.of("redis", uri)))) {
 *     Plan plan = engine.plan(registry.find("INC-004").build(args));
 * }
 * }</pre>
 */
public final class RunbookRegistry {
    private final Map<String, RunbookSpec> byId;
    private final Map<String, String> providerOf;

    private RunbookRegistry(List<RunbookProvider> providers) {
        Map<String, RunbookSpec> specs = new TreeMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (RunbookProvider p : providers) {
            for (RunbookSpec s : p.runbooks()) {
                String other = from.putIfAbsent(s.id(), p.name());
                if (other != null) {
                    throw new IllegalStateException("runbook " + s.id() + " is offered by both " + other + " and "
                            + p.name() + "; ids must be unique on the class path");
                }
                specs.put(s.id(), s);
            }
        }
        this.byId = specs;
        this.providerOf = from;
    }

    /**
     * Every provider registered in {@code META-INF/services/dev.runbook.core.registry.RunbookProvider} on
     * the class path of this class's loader.
     *
     * @throws IllegalStateException if two providers offer the same id
     */
    public static RunbookRegistry load() {
        return load(RunbookRegistry.class.getClassLoader());
    }

    /** Every provider that {@code loader} finds. */
    public static RunbookRegistry load(ClassLoader loader) {
        List<RunbookProvider> providers = new ArrayList<>();
        ServiceLoader.load(RunbookProvider.class, loader).forEach(providers::add);
        providers.sort(Comparator.comparing(RunbookProvider::name));
        return new RunbookRegistry(providers);
    }

    /** A registry of these providers only (tests). */
    public static RunbookRegistry of(RunbookProvider... providers) {
        return new RunbookRegistry(List.of(providers));
    }

    /** Every registered runbook, by id. */
    public List<RunbookSpec> runbooks() {
        return List.copyOf(byId.values());
    }

    /** The runbook with this id, if registered. */
    public Optional<RunbookSpec> lookup(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The runbook with this id.
     *
     * @throws IllegalArgumentException naming the registered ids, if there is none by this id
     */
    public RunbookSpec find(String id) {
        RunbookSpec s = byId.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no runbook '" + id + "' is registered; the registered ones are "
                    + byId.keySet() + " (a provider is found through META-INF/services/"
                    + RunbookProvider.class.getName() + ")");
        }
        return s;
    }

    /** The name of the provider that offers {@code id}. */
    public Optional<String> provider(String id) {
        return Optional.ofNullable(providerOf.get(id));
    }

    /**
     * Typed arguments for runbook {@code id}: each given value parsed to its parameter's type, defaults for
     * the rest.
     *
     * @throws IllegalArgumentException for an unknown runbook, an unknown parameter (naming the known
     *     ones), a value not of its type, a missing required parameter, or a missing connection
     */
    public RunbookArguments arguments(String id, Map<String, String> given, Map<String, Connection> connections) {
        RunbookSpec spec = find(id);
        for (String name : given.keySet()) {
            if (spec.parameter(name).isEmpty()) {
                throw new IllegalArgumentException(id + " has no parameter '" + name + "'; its parameters are "
                        + spec.parameters().stream().map(ParameterSpec::name).toList());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterSpec p : spec.parameters()) {
            String text = given.get(p.name());
            if (text == null && p.required()) {
                throw new IllegalArgumentException(
                        id + " needs parameter '" + p.name() + "' (" + p.type().expected() + "): " + p.description());
            }
            values.put(p.name(), p.parse(text == null ? p.defaultValue() : text));
        }
        Map<String, Connection> conns = new LinkedHashMap<>();
        for (ConnectionSpec c : spec.connections()) {
            Connection conn = connections.get(c.name());
            if (conn == null) {
                throw new IllegalArgumentException(
                        id + " needs connection '" + c.name() + "' (" + c.kind() + ": " + c.description() + ")");
            }
            conns.put(c.name(), conn);
        }
        return new RunbookArguments(id, values, conns);
    }

    @Override
    public String toString() {
        return "RunbookRegistry" + byId.keySet();
    }
}
