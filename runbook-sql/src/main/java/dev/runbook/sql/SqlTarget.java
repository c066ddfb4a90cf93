package dev.runbook.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.runbook.core.Endpoint;
import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * The database an action works on: a pool made from a JDBC URL (owned) or the user's {@link DataSource}
 * (not owned). Detects the dialect once, runs each call on a borrowed connection with a network timeout,
 * and turns JDBC failures into the library's exceptions naming the server and the way out.
 */
final class SqlTarget implements AutoCloseable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final ExecutorService TIMEOUTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runbook-sql-network-timeout");
        t.setDaemon(true);
        return t;
    });

    private final String url;
    private final String user;
    private final Secret password;
    private final DataSource userDataSource;
    private HikariDataSource pool;
    private final Map<String, SqlTarget> peers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String name;
    private volatile Dialect dialect;
    private volatile Endpoint endpoint;

    private SqlTarget(String url, String user, Secret password, DataSource userDataSource) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.userDataSource = userDataSource;
        this.name = url == null ? null : label(url);
    }

    static SqlTarget connect(String url, String user, Secret password) {
        Objects.requireNonNull(password, "password: use Secret.of(\"\") for none");
        if (url == null
                || !(url.startsWith("jdbc:postgresql://")
                        || url.startsWith("jdbc:mariadb://")
                        || url.startsWith("jdbc:mysql://"))) {
            throw new IllegalArgumentException("expected a JDBC URL such as jdbc:postgresql://host:5432/postgres or"
                    + " jdbc:mariadb://host:3306/ (jdbc:mysql:// for MySQL), was '" + url + "'");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("name the database user for " + label(url));
        }
        return new SqlTarget(url, user, password, null);
    }

    static SqlTarget of(DataSource dataSource) {
        return new SqlTarget(null, null, null, Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** {@code postgresql://127.0.0.1:5432} from a JDBC URL, without user, password or parameters. */
    static String label(String jdbcUrl) {
        try {
            URI u = URI.create(jdbcUrl.substring("jdbc:".length()));
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return "database";
        }
    }

    /** The server, for people: {@code postgresql://127.0.0.1:5432}; never with credentials. */
    String name() {
        String n = name;
        if (n == null) {
            n = call("read the server address", c -> label(c.getMetaData().getURL()));
            name = n;
        }
        return n;
    }

    /** The engine and version, read once. */
    Dialect dialect() {
        Dialect d = dialect;
        if (d == null) {
            d = call("detect the database engine", c -> {
                String product = c.getMetaData().getDatabaseProductName();
                String version;
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(
                                product.toLowerCase(java.util.Locale.ROOT).contains("postgres")
                                        ? "SHOW server_version"
                                        : "SELECT VERSION()")) {
                    rs.next();
                    version = rs.getString(1);
                }
                return Dialect.detect(product, version);
            });
            dialect = d;
        }
        return d;
    }

    /**
     * This server as the engine checks it once per plan ({@code SELECT 1} within the engine's connect
     * timeout), so that a plan against a server that does not answer refuses at once, naming it.
     */
    Endpoint endpoint() {
        Endpoint e = endpoint;
        if (e == null) {
            e = Endpoint.of(name(), timeout -> call("check that it answers", timeout, c -> scalar(c, "SELECT 1")));
            endpoint = e;
        }
        return e;
    }

    /** Whether this target knows its credentials, so that it can reach another server of the cluster. */
    boolean canReachPeers() {
        return url != null;
    }

    /**
     * A target for another server ({@code host:port}) with this target's user, password and URL parameters, made
     * once and closed with this one.
     *
     * @throws RefusedException when this target was made from a DataSource (no credentials to reuse)
     */
    SqlTarget peer(String host, int port, String why) {
        if (url == null) {
            throw new RefusedException(
                    "cannot reach " + host + ":" + port + " (" + why + ") from a target made of a"
                            + " DataSource: pass that server explicitly, e.g. promoteReplica(SqlActions.of(primaryDataSource))");
        }
        return peers.computeIfAbsent(host + ":" + port, k -> {
            URI u = URI.create(url.substring("jdbc:".length()));
            String rest = url.substring(url.indexOf("//") + 2);
            int slash = rest.indexOf('/');
            String tail = slash < 0 ? "/" : rest.substring(slash);
            return new SqlTarget("jdbc:" + u.getScheme() + "://" + host + ":" + port + tail, user, password, null);
        });
    }

    /**
     * The URL handed to the driver: {@code jdbc:mysql://} goes to the MariaDB driver (which speaks MySQL) with
     * {@code permitMysqlScheme}, unless MySQL Connector/J is on the class path.
     */
    static String driverUrl(String url) {
        if (!url.startsWith("jdbc:mysql:") || url.contains("permitMysqlScheme")) {
            return url;
        }
        try {
            Class.forName("com.mysql.cj.jdbc.Driver", false, SqlTarget.class.getClassLoader());
            return url;
        } catch (ClassNotFoundException e) {
            return url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
        }
    }

    private synchronized DataSource dataSource() {
        if (userDataSource != null) {
            return userDataSource;
        }
        if (pool == null) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(driverUrl(url));
            cfg.setUsername(user);
            cfg.setPassword(password.reveal());
            cfg.setPoolName("runbook-sql " + name);
            cfg.setMaximumPoolSize(4);
            cfg.setMinimumIdle(0);
            cfg.setConnectionTimeout(5_000);
            cfg.setValidationTimeout(2_000);
            cfg.setInitializationFailTimeout(1);
            if (url.startsWith("jdbc:postgresql:")) {
                cfg.addDataSourceProperty("connectTimeout", "5");
                cfg.addDataSourceProperty("loginTimeout", "5");
                cfg.addDataSourceProperty("ApplicationName", "runbook-sql");
            } else {
                cfg.addDataSourceProperty("connectTimeout", "5000");
            }
            try {
                pool = new HikariDataSource(cfg);
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() instanceof SQLException ? e.getCause() : e;
                throw failure("connect", cause);
            }
        }
        return pool;
    }

    /** A JDBC body run on a borrowed connection. */
    interface Body<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T call(String what, Body<T> body) {
        return call(what, DEFAULT_TIMEOUT, body);
    }

    /**
     * Runs {@code body} on a borrowed connection whose reads time out after {@code timeout}, turning JDBC
     * failures into {@link TargetUnavailableException} (unreachable, hung, wrong login) or {@link
     * RefusedException} (the server rejected the statement).
     */
    <T> T call(String what, Duration timeout, Body<T> body) {
        Connection c = borrow(what);
        try (Connection conn = c) {
            conn.setNetworkTimeout(TIMEOUTS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return body.run(conn);
        } catch (SQLException e) {
            throw failure(what, e);
        } catch (UncheckedSql e) {
            throw failure(what, e.getCause());
        }
    }

    /** A SQLException carried through a lambda that cannot throw it; {@link #call} unwraps it. */
    static final class UncheckedSql extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedSql(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** {@link #scalar} for lambdas: a SQLException comes out as {@link UncheckedSql}. */
    static String scalarUnchecked(Connection c, String sql) {
        try {
            return scalar(c, sql);
        } catch (SQLException e) {
            throw new UncheckedSql(e);
        }
    }

    /**
     * A pooled connection that answers: one that died with its server (a restart, a failover) is dropped
     * and another taken, so that the first call after a restart does not fail on a stale connection.
     */
    private Connection borrow(String what) {
        for (int attempt = 0; ; attempt++) {
            Connection c;
            try {
                c = dataSource().getConnection();
            } catch (SQLException e) {
                throw failure("connect to " + what, e);
            }
            try {
                if (attempt >= 2 || c.isValid(2)) {
                    return c;
                }
                if (pool != null) {
                    pool.evictConnection(c);
                } else {
                    c.close();
                }
            } catch (SQLException e) {
                closeQuietly(c);
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // already broken
        }
    }

    /** Rows of a query as column label to value, in order. */
    static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> out = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /** The first column of the first row, or null. */
    static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The library's exception for a JDBC failure while doing {@code what}. */
    RunbookException failure(String what, Throwable e) {
        String label = name != null ? name : url != null ? label(url) : "database";
        SQLException sql = sqlCause(e);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        int code = sql == null ? 0 : sql.getErrorCode();
        String msg = rootMessage(e);
        if (state.startsWith("28")
                || code == 1045
                || msg.contains("password authentication failed")
                || msg.contains("Access denied for user")) {
            return new TargetUnavailableException(
                    label + " refused the login" + (user == null ? "" : " of user '" + user + "'") + " (" + msg
                            + "); check the user and password given to SqlActions.connect(url, user, Secret.of(...))"
                            + " or the DataSource",
                    e,
                    false);
        }
        if (state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P03")
                || isTimeout(e)
                || isNetwork(msg)) {
            return new TargetUnavailableException(
                    label + " did not answer to " + what + " (" + msg + "); check that the server is running,"
                            + " reachable and not hung, then run again",
                    e,
                    true);
        }
        if (state.equals("25006") || code == 1290 || code == 1836) {
            return new RefusedException(
                    label + " is read-only and refused to " + what + " (" + msg + "); run it on the primary", e);
        }
        return new RefusedException(label + " rejected the statement to " + what + ": " + msg, e);
    }

    /**
     * The drivers' words for a server that is down, gone or unreachable. Not any message with "connection" in
     * it: a table or column of that name is a rejected statement, not a network failure.
     */
    private static boolean isNetwork(String msg) {
        String m = msg.toLowerCase(java.util.Locale.ROOT);
        return m.contains("connection refused")
                || m.contains("connection reset")
                || m.contains("connection is not available")
                || m.contains("connection has been closed")
                || m.contains("connection was closed")
                || m.contains("connection closed")
                || m.contains("communications link failure")
                || m.contains("socket fail")
                || m.contains("broken pipe")
                || m.contains("no route to host")
                || m.contains("could not connect")
                || m.contains("unknown host");
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (t.getMessage() != null
                    && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
                return true;
            }
        }
        return false;
    }

    private static SQLException sqlCause(Throwable e) {
        SQLException found = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                found = s;
            }
        }
        return found;
    }

    private static String rootMessage(Throwable e) {
        String msg = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !(t instanceof java.sql.SQLTransientConnectionException)) {
                msg = t.getMessage();
            }
        }
        return String.valueOf(msg);
    }

    /** Closes the pool this target made, and those of the peers it reached (the user's DataSource stays open). */
    @Override
    public synchronized void close() {
        peers.values().forEach(SqlTarget::close);
        peers.clear();
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public String toString() {
        return "SqlTarget[" + (name != null ? name : "database") + "]";
    }
}
