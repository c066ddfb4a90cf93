package dev.runbook.core.registry;

import dev.runbook.core.Secret;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one connection a runbook needs: a URL, plain settings, and secrets (a {@link Secret}
 * never prints). Tools fill it from their configuration (the CLI from a profile file, where secrets are
 * references to an environment variable or a file).
 *
 * <pre>{@code
 * Connection redis = args.connection("redis");
 * RedisActions.connect(redis.url(), redis.secret("password").orElse(null));
 * }</pre>
 *
 * @param name the connection's name in the runbook
 * @param url where it connects to
 * @param settings other plain settings, by key
 * @param secrets secret settings (passwords, tokens), by key
 */
public record Connection(String name, String url, Map<String, String> settings, Map<String, Secret> secrets) {
    public Connection {
        Objects.requireNonNull(name, "name");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("connection '" + name + "' has no url");
        }
        settings = Map.copyOf(settings == null ? Map.of() : settings);
        secrets = Map.copyOf(secrets == null ? Map.of() : secrets);
    }

    /** A connection with a URL only. */
    public static Connection of(String name, String url) {
        return new Connection(name, url, Map.of(), Map.of());
    }

    /** A plain setting, if set. */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** A secret setting, if set. */
    public Optional<Secret> secret(String key) {
        return Optional.ofNullable(secrets.get(key));
    }

    /** Name, URL and setting keys; secrets are named, never shown. */
    @Override
    public String toString() {
        return "Connection[" + name + " " + url + (settings.isEmpty() ? "" : " " + settings)
                + (secrets.isEmpty() ? "" : " secrets " + new java.util.TreeSet<>(secrets.keySet())) + "]";
    }
}
