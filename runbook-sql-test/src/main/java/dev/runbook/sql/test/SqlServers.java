package dev.runbook.sql.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that shares real replicating servers across a test JVM: one PostgreSQL primary with
 * a streaming standby and one MariaDB primary with a GTID replica, each started on first use and stopped
 * when the JVM's tests end. Tests that change roles take a fresh pair with {@link #newPostgresPair()} or
 * {@link #newMariaDbPair()} (also stopped at the end, or earlier by closing it).
 *
 * <pre>{@code
 * @ExtendWith(SqlServers.class)
 * class MyRunbookIT {
 *     ReplicaPair pg = SqlServers.postgres();
 *     @Test void lag() { ... pg.replica().jdbcUrl() ... }
 * }
 * }</pre>
 *
 * <p>A missing server binary fails the test with the {@code apt-get install} line that provides it.
 */
public final class SqlServers implements BeforeAllCallback {
    private static final List<ReplicaPair> STARTED = new CopyOnWriteArrayList<>();
    private static ReplicaPair postgres;
    private static ReplicaPair mariadb;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SqlServers::stopAll, "sql-servers-stop"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root store closes its values when the test JVM's engine finishes
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SqlServers.class.getName(), k -> new Stopper());
    }

    /** Closed by JUnit when the test JVM's engine finishes. */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            stopAll();
        }
    }

    /** The shared PostgreSQL primary and standby (tests must leave their roles as they found them). */
    public static synchronized ReplicaPair postgres() {
        if (postgres == null) {
            postgres = newPostgresPair();
        }
        return postgres;
    }

    /** The shared MariaDB primary and GTID replica (tests must leave their roles as they found them). */
    public static synchronized ReplicaPair mariadb() {
        if (mariadb == null) {
            mariadb = newMariaDbPair();
        }
        return mariadb;
    }

    /** A fresh PostgreSQL pair, stopped at the end of the JVM's tests if not closed before. */
    public static ReplicaPair newPostgresPair() {
        return track(PostgresServers.newPair());
    }

    /** A fresh MariaDB pair, stopped at the end of the JVM's tests if not closed before. */
    public static ReplicaPair newMariaDbPair() {
        return track(MariaDbServers.newPair());
    }

    private static ReplicaPair track(ReplicaPair pair) {
        STARTED.add(pair);
        return pair;
    }

    /** A free loopback port (nothing listens on it right now). */
    public static int freePort() {
        return Processes.freePort();
    }

    /** Stops every pair this JVM started. */
    public static synchronized void stopAll() {
        for (ReplicaPair p : STARTED) {
            try {
                p.close();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
        STARTED.clear();
        postgres = null;
        mariadb = null;
    }
}
