package dev.runbook.sql.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts real PostgreSQL servers from the Debian binaries ({@code /usr/lib/postgresql/<major>/bin}, the
 * newest installed, or {@code -Drunbook.sql.pgBin=...}): a primary and a streaming standby made with
 * {@code pg_basebackup}, on free loopback ports, data in the system temp directory. As root every step runs
 * through {@code runuser -u postgres --}, since PostgreSQL refuses to run as root. The cluster is created
 * once per JVM with {@code initdb} and copied for each primary (0.3 s instead of 2 s).
 *
 * <pre>{@code
 * try (ReplicaPair pg = PostgresServers.newPair()) {
 *     SqlActions standby = SqlActions.connect(pg.replica().jdbcUrl(), "postgres", pg.replica().adminPassword());
 * }
 * }</pre>
 *
 * <p>The admin account is {@code postgres} (password {@code postgres-test-pw}, SCRAM over TCP); the
 * application account {@code app} owns the schema {@code app} of the database {@code postgres}, its search
 * path. Replication connections from 127.0.0.1 are trusted. WAL segments are 1 MB, to keep each copy small.
 */
public final class PostgresServers {
    static final String ADMIN_PASSWORD = "postgres-test-pw";
    private static Path template;

    private PostgresServers() {}

    /**
     * A fresh primary and standby pair; close it to stop both. Both start from copies of one stopped
     * cluster (a cold base backup: same system identifier, the standby streams from the primary's first
     * WAL), which is faster than {@code pg_basebackup} and needs no checkpoint; {@link
     * #startStandby(SqlServer, Path, String)} makes one with {@code pg_basebackup} from a running primary.
     */
    public static ReplicaPair newPair() {
        Path dir = Processes.tempDir("runbook-sql-pg-");
        Processes.chownToPostgres(dir);
        SqlServer primary = null;
        try {
            primary = startPrimary(dir, "primary");
            Path data = dir.resolve("standby");
            Processes.run(Processes.asPostgres("cp", "-a", template().toString(), data.toString()));
            int port = Processes.freePort();
            append(
                    data.resolve("postgresql.conf"),
                    config(dir, port) + "primary_conninfo = 'host=127.0.0.1 port=" + primary.port()
                            + " user=postgres application_name=standby'\n");
            Processes.run(
                    Processes.asPostgres("touch", data.resolve("standby.signal").toString()));
            SqlServer standby = start(dir, "standby", data, port);
            awaitStreaming(standby, primary);
            return new ReplicaPair(primary, standby, dir);
        } catch (RuntimeException | Error e) {
            if (primary != null) {
                primary.stop();
            }
            Processes.deleteTree(dir);
            throw e;
        }
    }

    /** The directory of {@code initdb}, {@code pg_ctl}, {@code pg_basebackup}. */
    public static Path binDir() {
        String configured = System.getProperty("runbook.sql.pgBin");
        if (configured != null) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> majors = Files.list(root)) {
                var newest = majors.filter(p -> Files.isExecutable(p.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(p -> major(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // not Debian's layout: the PATH, or the apt-get line
        return Path.of(Processes.binary("pg_ctl", "postgresql", List.of())).getParent();
    }

    private static int major(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String bin(String name) {
        return Processes.binary(name, "postgresql", List.of(binDir()));
    }

    private static synchronized Path template() {
        if (template == null) {
            Path dir = Processes.tempDir("runbook-sql-pg-template-");
            Processes.chownToPostgres(dir);
            Path pw = dir.resolve("pw");
            write(pw, ADMIN_PASSWORD + "\n");
            Processes.chownToPostgres(dir);
            Path data = dir.resolve("data");
            Processes.run(Processes.asPostgres(
                    bin("initdb"),
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--pwfile=" + pw,
                    "--no-sync",
                    "--wal-segsize=1",
                    "-E",
                    "UTF8",
                    "--locale=C"));
            write(
                    data.resolve("pg_hba.conf"),
                    "local all all trust\n"
                            + "host replication all 127.0.0.1/32 trust\n"
                            + "host all all 127.0.0.1/32 scram-sha-256\n");
            int port = Processes.freePort();
            append(data.resolve("postgresql.conf"), config(dir, port));
            SqlServer once = start(dir, "template", data, port);
            once.execute(
                    "CREATE ROLE " + SqlServer.APP_USER + " LOGIN PASSWORD '" + SqlServer.APP_PASSWORD + "'",
                    "CREATE SCHEMA " + SqlServer.APP_DATABASE + " AUTHORIZATION " + SqlServer.APP_USER,
                    "ALTER ROLE " + SqlServer.APP_USER + " SET search_path = " + SqlServer.APP_DATABASE);
            once.stop();
            template = data;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Processes.deleteTree(dir), "pg-template-delete"));
        }
        return template;
    }

    static SqlServer startPrimary(Path dir, String label) {
        Path data = dir.resolve(label);
        Processes.run(Processes.asPostgres("cp", "-a", template().toString(), data.toString()));
        int port = Processes.freePort();
        append(data.resolve("postgresql.conf"), config(dir, port));
        return start(dir, label, data, port);
    }

    /** Runs {@code pg_ctl -D <data dir> args...} for a server started here, e.g. {@code promote -w}. */
    public static String pgCtl(SqlServer server, String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>(
                java.util.List.of(bin("pg_ctl"), "-D", server.dataDir().toString()));
        cmd.addAll(java.util.List.of(args));
        return Processes.run(Processes.asPostgres(cmd.toArray(String[]::new)));
    }

    /** The settings every test server gets; the last {@code port} line wins. */
    private static String config(Path dir, int port) {
        return "\n# runbook-sql test server\n"
                + "port = " + port + "\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + dir + "'\n"
                + "wal_level = replica\n"
                + "max_wal_senders = 10\n"
                + "max_replication_slots = 10\n"
                + "wal_keep_size = 256MB\n"
                + "hot_standby = on\n"
                + "fsync = off\n"
                + "shared_buffers = 16MB\n"
                + "max_connections = 60\n"
                + "wal_receiver_status_interval = 1s\n"
                + "logging_collector = off\n";
    }

    /** A new standby of a running primary, made with {@code pg_basebackup}. */
    public static SqlServer startStandby(SqlServer primary, Path dir, String label) {
        Path data = dir.resolve(label);
        Processes.run(Processes.asPostgres(
                bin("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(primary.port()),
                "-U",
                "postgres",
                "-D",
                data.toString(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-N"));
        int port = Processes.freePort();
        append(data.resolve("postgresql.conf"), "port = " + port + "\n");
        SqlServer standby = start(dir, label, data, port);
        awaitStreaming(standby, primary);
        return standby;
    }

    private static void awaitStreaming(SqlServer standby, SqlServer primary) {
        Processes.await(
                () -> "streaming".equals(standby.scalar("SELECT status FROM pg_stat_wal_receiver")),
                30,
                standby.name() + " streaming from " + primary.name());
    }

    private static SqlServer start(Path dir, String label, Path data, int port) {
        Path log = dir.resolve(label + ".log");
        String name = "postgresql " + label + " 127.0.0.1:" + port;
        SqlServer.Control control = new SqlServer.Control() {
            private long pid = -1;

            void launch() {
                try {
                    Processes.run(Processes.asPostgres(
                            bin("pg_ctl"), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "30", "start"));
                } catch (IllegalStateException e) {
                    throw new AssertionError(
                            name + " did not start: " + e.getMessage() + "\nlog: " + Processes.readOr(log, ""), e);
                }
                pid = Long.parseLong(Processes.readOr(data.resolve("postmaster.pid"), "-1")
                        .lines()
                        .findFirst()
                        .orElse("-1")
                        .trim());
            }

            @Override
            public long pid() {
                return pid;
            }

            @Override
            public void stop() {
                try {
                    Processes.run(Processes.asPostgres(
                            bin("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "-t", "20", "stop"));
                } catch (RuntimeException e) {
                    if (isRunning()) {
                        Processes.signal("KILL", Processes.withDescendants(pid));
                    }
                }
            }

            @Override
            public boolean isRunning() {
                return pid > 0 && Processes.isAlive(pid);
            }

            @Override
            public void restart() {
                if (isRunning()) {
                    stop();
                }
                launch();
            }
        };
        control.restart();
        SqlServer server =
                new SqlServer(SqlServer.Engine.POSTGRESQL, name, port, data, "postgres", ADMIN_PASSWORD, control);
        Processes.await(() -> server.scalar("SELECT 1") != null, 30, name + " accepting connections");
        return server;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
