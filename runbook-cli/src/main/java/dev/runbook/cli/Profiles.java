package dev.runbook.cli;

import dev.runbook.core.Secret;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.ConnectionSpec;
import dev.runbook.core.registry.RunbookSpec;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The profile file: connection settings by profile and connection name, secrets only by reference.
 *
 * <pre>
 * # ~/.runbook/profiles.properties
 * prod.environment=prod
 * prod.redis.url=redis://prod-redis.smp.local:6379
 * prod.redis.password=env:PROD_REDIS_PASSWORD
 * prod.integration-svc.url=http://integration-svc:8080
 * prod.integration-svc.token=file:/run/secrets/admin-token
 * # a profile for a runbook with one connection may leave the connection name out:
 * prod-redis.url=redis://prod-redis.smp.local:6379
 * </pre>
 *
 * A value {@code env:NAME} is read from the environment variable, {@code file:/path} from the file
 * (trailing newline removed); either becomes a {@link Secret}, which never prints. A password, token or
 * key written inline is refused, and so is a URL with a password in it.
 */
final class Profiles {
    private static final Set<String> SECRET_KEYS = Set.of("password", "token", "secret", "key", "api-key");

    private final Path file;
    private final Properties props;
    private final UnaryOperator<String> env;

    private Profiles(Path file, Properties props, UnaryOperator<String> env) {
        this.file = file;
        this.props = props;
        this.env = env;
    }

    /**
     * Reads a profile file.
     *
     * @throws CliException (bad usage) if it cannot be read
     */
    static Profiles load(Path file, UnaryOperator<String> env) {
        Properties p = new Properties();
        if (!Files.isRegularFile(file)) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    "no profile file " + file + "; create it (see runbook-cli/README.md,"
                            + " 'Profile file') or pass --profiles PATH");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCode.BAD_USAGE, "cannot read profile file " + file + ": " + e.getMessage(), e);
        }
        return new Profiles(file, p, env);
    }

    /** The profile names in the file. */
    Set<String> names() {
        Set<String> out = new TreeSet<>();
        for (String k : props.stringPropertyNames()) {
            int dot = k.indexOf('.');
            if (dot > 0) {
                out.add(k.substring(0, dot));
            }
        }
        return out;
    }

    /** The environment the profile applies to ({@code <profile>.environment}), {@code dev} unless set. */
    String environment(String profile) {
        requireProfile(profile);
        return props.getProperty(profile + ".environment", "dev").trim();
    }

    /**
     * The connections {@code spec} needs, from profile {@code profile}.
     *
     * @throws CliException (bad usage) naming the missing key, an inline secret, or an unreadable reference
     */
    Map<String, Connection> connections(String profile, RunbookSpec spec) {
        requireProfile(profile);
        Map<String, Connection> out = new LinkedHashMap<>();
        for (ConnectionSpec c : spec.connections()) {
            String prefix = profile + "." + c.name() + ".";
            if (props.getProperty(prefix + "url") == null
                    && spec.connections().size() == 1
                    && props.getProperty(profile + ".url") != null) {
                prefix = profile + ".";
            }
            String url = props.getProperty(prefix + "url");
            if (url == null || url.isBlank()) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        spec.id() + " needs connection '" + c.name() + "' (" + c.kind() + ": " + c.description()
                                + "): set " + profile + "." + c.name() + ".url in " + file);
            }
            url = url.trim();
            refuseInlinePassword(prefix + "url", url);
            Map<String, String> settings = new LinkedHashMap<>();
            Map<String, Secret> secrets = new LinkedHashMap<>();
            for (String k : new TreeSet<>(props.stringPropertyNames())) {
                if (!k.startsWith(prefix) || k.equals(prefix + "url")) {
                    continue;
                }
                String key = k.substring(prefix.length());
                if (key.contains(".")) {
                    continue; // another connection's setting, under a single-connection profile
                }
                String v = props.getProperty(k).trim();
                if (v.startsWith("env:") || v.startsWith("file:")) {
                    secrets.put(key, resolve(k, v));
                } else if (SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                    throw new CliException(
                            ExitCode.BAD_USAGE,
                            k + " in " + file + " is written inline; a secret is" + " only given by reference: " + k
                                    + "=env:NAME or " + k + "=file:/path");
                } else if (!key.equals("environment")) {
                    settings.put(key, v);
                }
            }
            out.put(c.name(), new Connection(c.name(), url, settings, secrets));
        }
        return out;
    }

    private void requireProfile(String profile) {
        if (!names().contains(profile)) {
            throw new CliException(
                    ExitCode.BAD_USAGE, "no profile '" + profile + "' in " + file + "; its profiles are " + names());
        }
    }

    private void refuseInlinePassword(String key, String url) {
        try {
            URI uri = URI.create(url);
            String userInfo = uri.getRawUserInfo();
            // redis://secret@host is a password alone (redis://[[user:]password@]host); elsewhere user@host
            // names a user, and user:password@host carries a password
            boolean redis = uri.getScheme() != null
                    && uri.getScheme().toLowerCase(Locale.ROOT).startsWith("redis");
            if (userInfo != null && !userInfo.isEmpty() && (redis || userInfo.contains(":"))) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        key + " in " + file + " has a password in it; take it out of"
                                + " the URL and give it by reference: ...password=env:NAME or ...password=file:/path");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.BAD_USAGE, key + " in " + file + " is not a URL: " + e.getMessage(), e);
        }
    }

    private Secret resolve(String key, String ref) {
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            String v = env.apply(name);
            if (v == null || v.isEmpty()) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        key + " in " + file + " refers to environment variable " + name + ", which is not set");
            }
            return Secret.of(v);
        }
        Path p = Path.of(ref.substring(5));
        try {
            return Secret.of(Files.readString(p, StandardCharsets.UTF_8).stripTrailing());
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    key + " in " + file + " refers to file " + p + ", which cannot be read: " + e.getMessage(),
                    e);
        }
    }
}
