package dev.runbook.sql.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts real MariaDB servers ({@code mariadbd} from the Debian package {@code mariadb-server}): a primary
 * and a GTID replica ({@code MASTER_USE_GTID=slave_pos}, {@code log_slave_updates}), on free loopback
 * ports, data in the system temp directory. The data directory is made once per JVM with {@code
 * mariadb-install-db} and copied for each server.
 *
 * <pre>{@code
 * try (ReplicaPair db = MariaDbServers.newPair()) {
 *     SqlActions replica = SqlActions.connect(db.replica().jdbcUrl(), "admin", db.replica().adminPassword());
 * }
 * }</pre>
 *
 * <p>Accounts on each server (created with {@code sql_log_bin=0}, so they are no GTIDs): {@code admin}
 * (all privileges, password {@code admin-test-pw}), {@code repl} (replication), and {@code app} with
 * explicit rights on the database {@code app} only: in 10.11 {@code GRANT ALL ON *.*} includes {@code READ_ONLY
 * ADMIN}, which writes through {@code read_only}.
 */
public final class MariaDbServers {
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "admin-test-pw";
    static final String REPL_USER = "repl";
    static final String REPL_PASSWORD = "repl-test-pw";
    private static Path template;

    private MariaDbServers() {}

    /** A fresh primary (server id 1) and GTID replica (server id 2, {@code read_only=ON}); close it to stop both. */
    public static ReplicaPair newPair() {
        Path dir = Processes.tempDir("runbook-sql-mariadb-");
        SqlServer primary = null;
        try {
            primary = start(dir, "primary", 1, false);
            SqlServer replica = start(dir, "replica", 2, true);
            replicate(replica, primary);
            return new ReplicaPair(primary, replica, dir);
        } catch (RuntimeException | Error e) {
            if (primary != null) {
                primary.stop();
            }
            Processes.deleteTree(dir);
            throw e;
        }
    }

    /** Points {@code replica} at {@code primary} with GTID ({@code slave_pos}) and waits for both threads. */
    public static void replicate(SqlServer replica, SqlServer primary) {
        replica.execute(
                "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port() + ", MASTER_USER='"
                        + REPL_USER + "', MASTER_PASSWORD='" + REPL_PASSWORD
                        + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
                "START REPLICA");
        Processes.await(
                () -> {
                    var status = replica.query("SHOW REPLICA STATUS");
                    return !status.isEmpty()
                            && "Yes".equals(status.get(0).get("Slave_IO_Running"))
                            && "Yes".equals(status.get(0).get("Slave_SQL_Running"));
                },
                30,
                replica.name() + " replicating from " + primary.name());
    }

    private static String mariadbd() {
        return Processes.binary("mariadbd", "mariadb-server", List.of(Path.of("/usr/sbin")));
    }

    private static synchronized Path template() {
        if (template == null) {
            Path dir = Processes.tempDir("runbook-sql-mariadb-template-");
            Path data = dir.resolve("data");
            List<String> cmd = new ArrayList<>(List.of(
                    Processes.binary("mariadb-install-db", "mariadb-server", List.of(Path.of("/usr/bin"))),
                    "--no-defaults",
                    "--datadir=" + data,
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--innodb-log-file-size=4M",
                    "--innodb-buffer-pool-size=32M",
                    "--skip-log-bin"));
            if (Processes.isRoot()) {
                cmd.add(2, "--user=root");
            }
            Processes.run(cmd);
            template = data;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> Processes.deleteTree(dir), "mariadb-template-delete"));
        }
        return template;
    }

    static SqlServer start(Path dir, String label, int serverId, boolean readOnly) {
        Path data = dir.resolve(label);
        Processes.run(List.of("cp", "-a", template().toString(), data.toString()));
        int port = Processes.freePort();
        List<String> cmd = new ArrayList<>(List.of(
                mariadbd(),
                "--no-defaults",
                "--datadir=" + data,
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve(label + ".sock"),
                "--pid-file=" + dir.resolve(label + ".pid"),
                "--server-id=" + serverId,
                "--log-bin=" + dir.resolve(label + "-bin"),
                "--relay-log=" + dir.resolve(label + "-relay"),
                "--log-slave-updates=ON",
                "--binlog-format=ROW",
                "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=4M",
                "--innodb-flush-method=fsync", // O_DIRECT is refused on tmpfs
                "--log-error=" + dir.resolve(label + ".err"),
                "--skip-name-resolve",
                "--performance-schema=OFF",
                "--max-connections=100",
                "--read-only=" + (readOnly ? "ON" : "OFF")));
        if (Processes.isRoot()) {
            cmd.add(2, "--user=root");
        }
        String name = "mariadb " + label + " 127.0.0.1:" + port;
        Path out = dir.resolve(label + ".out");
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/";
        SqlServer.Control control = new SqlServer.Control() {
            private Process process;

            @Override
            public long pid() {
                return process.pid();
            }

            @Override
            public void stop() {
                process.destroy();
                try {
                    if (!process.waitFor(20, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean isRunning() {
                return process != null && process.isAlive();
            }

            @Override
            public void restart() {
                if (isRunning()) {
                    stop();
                }
                try {
                    process = new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                            .start();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Processes.await(
                        () -> {
                            if (!process.isAlive()) {
                                throw new AssertionError(name + " exited with " + process.exitValue() + ": "
                                        + Processes.readOr(dir.resolve(label + ".err"), "(no log)"));
                            }
                            try (var c = SqlServer.open(url, "root", "")) {
                                return c.isValid(2);
                            } catch (java.sql.SQLException e) {
                                return false;
                            }
                        },
                        30,
                        name + " accepting connections");
            }
        };
        control.restart();
        SqlServer server =
                new SqlServer(SqlServer.Engine.MARIADB, name, port, data, ADMIN_USER, ADMIN_PASSWORD, control);
        try (var c = SqlServer.open(url, "root", "");
                var s = c.createStatement()) {
            for (String sql : List.of(
                    "SET sql_log_bin = 0",
                    "CREATE USER " + ADMIN_USER + "@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO " + ADMIN_USER + "@'%' WITH GRANT OPTION",
                    "CREATE USER " + REPL_USER + "@'%' IDENTIFIED BY '" + REPL_PASSWORD + "'",
                    "GRANT REPLICATION SLAVE ON *.* TO " + REPL_USER + "@'%'",
                    "CREATE DATABASE " + SqlServer.APP_DATABASE,
                    "CREATE USER " + SqlServer.APP_USER + "@'%' IDENTIFIED BY '" + SqlServer.APP_PASSWORD + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER ON " + SqlServer.APP_DATABASE
                            + ".* TO " + SqlServer.APP_USER + "@'%'")) {
                s.execute(sql);
            }
        } catch (java.sql.SQLException e) {
            server.stop();
            throw new IllegalStateException(name + ": cannot create the test accounts: " + e.getMessage(), e);
        }
        return server;
    }
}
