package dev.runbook.core.registry;

/**
 * A connection a registered runbook needs, such as the Redis node that is out of memory. A tool
 * resolves it to a {@link Connection} (the CLI from a profile file) before it builds the runbook.
 *
 * <pre>{@code
 * new ConnectionSpec("redis", "redis", "the Redis node that is out of memory")
 * }</pre>
 *
 * @param name the name the runbook asks for, as in {@code args.connection("redis")}
 * @param kind what it connects to ({@code redis}, {@code http}, {@code kafka}, {@code kubernetes}, ...)
 * @param description one sentence for listings
 */
public record ConnectionSpec(String name, String kind, String description) {
    public ConnectionSpec {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException(
                    "a connection name is a letter then letters, digits, '_' or '-'; was '" + name + "'");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("connection '" + name + "' needs a kind, such as redis or http");
        }
        description = description == null ? "" : description;
    }
}
