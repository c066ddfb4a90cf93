package dev.runbook.core.registry;

import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered runbook: what a listing shows (id, title, severity, description, parameters with types
 * and defaults, the connections it needs) and how to build the {@link Runbook} from typed arguments.
 *
 * <pre>{@code
 * RunbookSpec spec = RunbookSpec.builder("INC-004", "Redis OOM")
 *         .severity(Severity.SEV2)
 *         .description("delete cache:wms:stock:* and set allkeys-lru")
 *         .connection("redis", "redis", "the node that is out of memory")
 *         .parameter(ParameterSpec.of("alertRatio", ParameterType.DECIMAL, "0.9", "alert threshold"))
 *         .build(args -> RedisOom.runbook(args.closeLater(RedisActions.connect(args.connection("redis").url())),
 *                 args.decimal("alertRatio"), 0.7, Duration.ofMinutes(2)));
 * }</pre>
 *
 * @param id the runbook's id, such as {@code INC-004}
 * @param title its title
 * @param severity its severity, or null
 * @param description one or two sentences for listings
 * @param parameters its parameters, in order
 * @param connections the connections it needs, in order
 * @param factory builds the runbook from arguments
 */
public record RunbookSpec(
        String id,
        String title,
        Severity severity,
        String description,
        List<ParameterSpec> parameters,
        List<ConnectionSpec> connections,
        Factory factory) {

    public RunbookSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a registered runbook needs an id, such as INC-004");
        }
        Objects.requireNonNull(title, "title");
        description = description == null ? "" : description;
        parameters = List.copyOf(parameters);
        connections = List.copyOf(connections);
        Objects.requireNonNull(factory, "factory");
        Set<String> names = new HashSet<>();
        for (ParameterSpec p : parameters) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(id + " declares parameter '" + p.name() + "' twice");
            }
        }
        Set<String> conns = new HashSet<>();
        for (ConnectionSpec c : connections) {
            if (!conns.add(c.name())) {
                throw new IllegalArgumentException(id + " declares connection '" + c.name() + "' twice");
            }
        }
    }

    /** Starts a spec. */
    public static Builder builder(String id, String title) {
        return new Builder(id, title);
    }

    /** The parameter with this name, if declared. */
    public Optional<ParameterSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * Builds the runbook. The arguments hold what the runbook opened ({@link RunbookArguments#closeLater});
     * close them when done with the runbook.
     */
    public Runbook build(RunbookArguments args) {
        Runbook rb = factory.build(args);
        if (rb == null) {
            throw new IllegalStateException("the factory of " + id + " returned no runbook");
        }
        if (!rb.id().equals(id)) {
            throw new IllegalStateException(
                    "the factory of " + id + " built a runbook with id " + rb.id() + "; the ids must match");
        }
        return rb;
    }

    /** Builds a runbook from its arguments. */
    @FunctionalInterface
    public interface Factory {
        /** The runbook; anything it opens goes to {@link RunbookArguments#closeLater}. */
        Runbook build(RunbookArguments args);
    }

    /** Builds a {@link RunbookSpec}. */
    public static final class Builder {
        private final String id;
        private final String title;
        private Severity severity;
        private String description = "";
        private final List<ParameterSpec> parameters = new ArrayList<>();
        private final List<ConnectionSpec> connections = new ArrayList<>();

        private Builder(String id, String title) {
            this.id = id;
            this.title = title;
        }

        /** The severity shown in listings. */
        public Builder severity(Severity severity) {
            this.severity = severity;
            return this;
        }

        /** One or two sentences for listings. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Adds a parameter. */
        public Builder parameter(ParameterSpec parameter) {
            parameters.add(Objects.requireNonNull(parameter, "parameter"));
            return this;
        }

        /** Adds a connection the runbook needs. */
        public Builder connection(String name, String kind, String description) {
            connections.add(new ConnectionSpec(name, kind, description));
            return this;
        }

        /** The spec, with the factory that builds the runbook. */
        public RunbookSpec build(Factory factory) {
            return new RunbookSpec(id, title, severity, description, parameters, connections, factory);
        }
    }
}
