package dev.runbook.sql.test;

import dev.runbook.core.Secret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One real database server that a test started: a PostgreSQL or MariaDB process on a free loopback port,
 * with its data in a temporary directory. It knows its admin account (a superuser with a password) and an
 * application account ({@code app}, with rights on the database {@code app} only, so that read-only fences
 * apply to it; PostgreSQL: the schema {@code app}), and it can hang ({@link #pause()}), crash ({@link #kill()}) or stop.
 *
 * <pre>{@code
 * SqlServer primary = SqlServers.postgres().primary();
 * primary.execute("CREATE TABLE t (id int)");
 * var sql = SqlActions.connect(primary.jdbcUrl(), primary.adminUser(), primary.adminPassword());
 * }</pre>
 */
public final class SqlServer {
    /** The two engines these starters run. */
    public enum Engine {
        POSTGRESQL,
        MARIADB
    }

    /** What differs between engines: how to find the process and how to stop it. */
    interface Control {
        long pid();

        void stop();

        boolean isRunning();

        /** Stops and starts the server on the same port and data. */
        void restart();
    }

    static final String APP_USER = "app";
    static final String APP_PASSWORD = "app-test-pw";
    static final String APP_DATABASE = "app";

    private final Engine engine;
    private final String name;
    private final int port;
    private final Path dataDir;
    private final String adminUser;
    private final String adminPassword;
    private final Control control;

    SqlServer(
            Engine engine,
            String name,
            int port,
            Path dataDir,
            String adminUser,
            String adminPassword,
            Control control) {
        this.engine = engine;
        this.name = name;
        this.port = port;
        this.dataDir = dataDir;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.control = control;
    }

    public Engine engine() {
        return engine;
    }

    /** For people: {@code postgresql primary 127.0.0.1:41234}. */
    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The admin account's JDBC URL: {@code jdbc:postgresql://127.0.0.1:P/postgres} or {@code jdbc:mariadb://127.0.0.1:P/}. */
    public String jdbcUrl() {
        return engine == Engine.POSTGRESQL
                ? "jdbc:postgresql://127.0.0.1:" + port + "/postgres"
                : "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    /**
     * The application's JDBC URL: PostgreSQL's database {@code postgres}, where {@code app} owns the schema
     * {@code app} (its search path); MariaDB's database {@code app}.
     */
    public String appJdbcUrl() {
        return engine == Engine.POSTGRESQL
                ? "jdbc:postgresql://127.0.0.1:" + port + "/postgres"
                : "jdbc:mariadb://127.0.0.1:" + port + "/" + APP_DATABASE;
    }

    /** A superuser ({@code postgres} or {@code admin}). */
    public String adminUser() {
        return adminUser;
    }

    public Secret adminPassword() {
        return Secret.of(adminPassword);
    }

    public String appUser() {
        return APP_USER;
    }

    public Secret appPassword() {
        return Secret.of(APP_PASSWORD);
    }

    /** A new JDBC connection as the admin account (5 s connect and socket timeouts). */
    public Connection connect() {
        return open(jdbcUrl(), adminUser, adminPassword);
    }

    /** A new JDBC connection as the application account, to the {@code app} database. */
    public Connection connectAsApp() {
        return open(appJdbcUrl(), APP_USER, APP_PASSWORD);
    }

    static Connection open(String url, String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        if (url.startsWith("jdbc:postgresql:")) {
            p.setProperty("connectTimeout", "5");
            p.setProperty("socketTimeout", "30");
        } else {
            p.setProperty("connectTimeout", "5000");
            p.setProperty("socketTimeout", "30000");
        }
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + url + " as " + user + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements as the admin account, each on its own (autocommit). */
    public void execute(String... statements) {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query as the admin account: each row as column label to value. */
    public List<Map<String, Object>> query(String sql) {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, as a string (null when there is no row). */
    public String scalar(String sql) {
        List<Map<String, Object>> rows = query(sql);
        if (rows.isEmpty()) {
            return null;
        }
        Object v = rows.get(0).values().iterator().next();
        return v == null ? null : String.valueOf(v);
    }

    /** The server's main process id. */
    public long pid() {
        return control.pid();
    }

    /** Hangs the server: SIGSTOP to its process and all its children. {@link #resume()} undoes it. */
    public void pause() {
        Processes.signal("STOP", Processes.withDescendants(pid()));
    }

    /** SIGCONT to the server's process and its children. */
    public void resume() {
        Processes.signal("CONT", Processes.withDescendants(pid()));
    }

    /** Crashes the server: SIGKILL to its process and all its children. */
    public void kill() {
        List<Long> all = Processes.withDescendants(pid());
        Processes.signal("CONT", all);
        Processes.signal("KILL", all);
        Processes.await(() -> !control.isRunning(), 10, name + " gone after SIGKILL");
    }

    /** Stops the server (fast shutdown) if it runs. */
    public void stop() {
        if (control.isRunning()) {
            try {
                Processes.signal("CONT", Processes.withDescendants(pid()));
            } catch (RuntimeException e) {
                // already gone
            }
            control.stop();
        }
    }

    public boolean isRunning() {
        return control.isRunning();
    }

    /** Stops the server (fast shutdown) and starts it again on the same port with the same data. */
    public void restart() {
        if (control.isRunning()) {
            Processes.signal("CONT", Processes.withDescendants(pid()));
        }
        control.restart();
        Processes.await(() -> scalar("SELECT 1") != null, 30, name + " accepting connections after a restart");
    }

    @Override
    public String toString() {
        return name;
    }
}
