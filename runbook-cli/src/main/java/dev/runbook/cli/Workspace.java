package dev.runbook.cli;

import dev.runbook.core.BindingKey;
import dev.runbook.core.Guards;
import dev.runbook.core.Journal;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.RunbookArguments;
import dev.runbook.core.registry.RunbookRegistry;
import dev.runbook.core.registry.RunbookSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where the command keeps its state ({@code RUNBOOK_HOME}, {@code ~/.runbook} unless set): the profile
 * file, the binding key that lets a plan made by one process be applied by another, the run journal,
 * and the default audit files; and how it builds engines and runbooks from them.
 *
 * <pre>{@code
 * Workspace ws = Workspace.fromEnvironment(null);
 * RunbookEngine engine = ws.engine("prod").approvals(gate).build();
 * }</pre>
 */
final class Workspace {
    final Path home;
    final Path profilesFile;
    final UnaryOperator<String> env;
    private final RunbookRegistry registry;

    Workspace(Path home, Path profilesFile, UnaryOperator<String> env) {
        this.home = home;
        this.profilesFile = profilesFile;
        this.env = env;
        this.registry = RunbookRegistry.load();
    }

    /** {@code RUNBOOK_HOME} or {@code ~/.runbook}; the profile file given, or the one in the home. */
    static Workspace fromEnvironment(Path profiles) {
        String h = System.getenv("RUNBOOK_HOME");
        Path home = h == null || h.isBlank() ? Path.of(System.getProperty("user.home"), ".runbook") : Path.of(h);
        return new Workspace(home, profiles == null ? home.resolve("profiles.properties") : profiles, System::getenv);
    }

    RunbookRegistry registry() {
        return registry;
    }

    Profiles profiles() {
        return Profiles.load(profilesFile, env);
    }

    /**
     * The runbook's spec.
     *
     * @throws CliException (bad usage) naming the registered ids
     */
    RunbookSpec spec(String id) {
        try {
            return registry.find(id);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.BAD_USAGE, e.getMessage() + "; 'runbook list' lists them", e);
        }
    }

    /**
     * Typed arguments for {@code spec} from text parameters and the profile's connections.
     *
     * @throws CliException (bad usage) for an unknown parameter, a bad value, a missing connection
     */
    RunbookArguments arguments(RunbookSpec spec, Map<String, String> parameters, String profile) {
        Map<String, Connection> connections = profiles().connections(profile, spec);
        try {
            return registry.arguments(spec.id(), parameters, connections);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.BAD_USAGE, e.getMessage(), e);
        }
    }

    /**
     * Builds the runbook from its arguments.
     *
     * @throws CliException (bad usage) when the runbook refuses a value of the right type (a ratio out of
     *     range, a URL of another scheme): a typo to correct, not a failure to page about
     */
    Runbook build(RunbookSpec spec, RunbookArguments args) {
        try {
            return spec.build(args);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    spec.id() + " cannot be built from these parameters and connections: " + e.getMessage()
                            + "; correct the --param values ('runbook list' shows each one and its default)"
                            + " or the connection settings in " + profilesFile,
                    e);
        }
    }

    /** An engine builder for {@code environment} with the default guards, the file journal and the binding key. */
    RunbookEngine.Builder engine(String environment) {
        BindingKey key = bindingKey(); // first: the core builder reads RUNBOOK_BINDING_KEY too, and throws
        return RunbookEngine.builder()
                .environment(environment)
                .guards(Guards.defaults())
                .journal(Journal.files(journalDir()))
                .bindingKey(key);
    }

    Path journalDir() {
        return home.resolve("journal");
    }

    Path defaultAudit(String runbookId) {
        return home.resolve("audit").resolve(runbookId.replaceAll("[^A-Za-z0-9._-]+", "-") + ".jsonl");
    }

    /**
     * {@code RUNBOOK_BINDING_KEY} if set, else the key in {@code RUNBOOK_HOME/binding-key}, created (mode
     * 600) on first use: plan and apply must bind secret parameters with the same key.
     */
    BindingKey bindingKey() {
        String v = env.apply(BindingKey.ENVIRONMENT_VARIABLE);
        if (v != null && !v.isEmpty()) {
            try {
                return BindingKey.of(Secret.of(v));
            } catch (IllegalArgumentException e) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        BindingKey.ENVIRONMENT_VARIABLE + " is not a usable binding key: " + e.getMessage()
                                + "; set it to the same value where plans are made and applied",
                        e);
            }
        }
        Path file = home.resolve("binding-key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(home);
                byte[] k = new byte[32];
                new SecureRandom().nextBytes(k);
                Path tmp = Files.createTempFile(home, "binding-key", ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system (Windows): the file keeps the directory's default access;
                    // set RUNBOOK_BINDING_KEY instead where that is not private enough
                }
                Files.writeString(tmp, HexFormat.of().formatHex(k), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return BindingKey.of(
                    Secret.of(Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.FAILED,
                    "cannot read or create the binding key " + file + ": " + e.getMessage()
                            + "; set RUNBOOK_BINDING_KEY or RUNBOOK_HOME",
                    e);
        }
    }
}
