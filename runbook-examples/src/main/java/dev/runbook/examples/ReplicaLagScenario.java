package dev.runbook.examples;

import dev.runbook.core.Runbook;
import dev.runbook.sql.SqlActions;
import dev.runbook.sql.test.MariaDbServers;
import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's INC-003 on a real MariaDB primary and GTID replica (runbook-sql's starters): a locking query
 * on the replica blocks its SQL thread, behind it waits an insert of order 1001 that someone had already
 * typed into the replica, and an application keeps writing to the primary (each acknowledged id recorded);
 * fixed by {@link MySqlReplicaLag} with 1 s thresholds in place of the seed's 30 s.
 *
 * <pre>{@code
 * try (ReplicaLagScenario s = ReplicaLagScenario.start()) {
 *     Plan plan = engine.plan(s.runbook());
 *     s.lostWrites();   // acknowledged by the old primary, missing on the promoted replica
 * }
 * }</pre>
 */
public final class ReplicaLagScenario implements DemoScenario {
    /** The justification the demo gives for the skip. */
    public static final String JUSTIFICATION = "INC-003 demo: order 1001 was typed into the replica by hand with the"
            + " same id; the primary's insert of it is skipped, reconcile its qty (5 on the primary, 7 here) by hand";

    private final ReplicaPair pair;
    private final SqlActions replica;
    private final SqlActions primary;
    private final Thread blocker;
    private final Thread writer;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final Set<Long> acked = new ConcurrentSkipListSet<>();
    private final String staged;

    private ReplicaLagScenario(ReplicaPair pair) {
        this.pair = pair;
        this.blocker = stage(pair);
        this.writer = new Thread(this::write, "inc003-app-writer");
        writer.setDaemon(true);
        writer.start();
        this.replica = SqlActions.connect(
                pair.replica().jdbcUrl(),
                pair.replica().adminUser(),
                pair.replica().adminPassword());
        this.primary = SqlActions.connect(
                pair.primary().jdbcUrl(),
                pair.primary().adminUser(),
                pair.primary().adminPassword());
        this.staged = pair + ": " + replica.replicaLag(primary).read() + "; blocker on the replica: "
                + replica.longRunningQueries(Duration.ofSeconds(1)).read() + "; an application writes to the primary"
                + " every 20 ms";
    }

    /**
     * Starts a MariaDB primary and replica and stages the incident.
     *
     * @throws IllegalStateException if MariaDB is not installed (with the apt-get line)
     */
    public static ReplicaLagScenario start() {
        ReplicaPair pair = MariaDbServers.newPair();
        try {
            return new ReplicaLagScenario(pair);
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /**
     * Stages INC-003 on {@code pair}: {@code app.orders} with 1,000 rows, a locking read on the replica that
     * holds row 1 for 10 minutes (returned: the thread running it), order 1001 written on the replica only,
     * then the primary's update of row 1 (blocked on the replica), its insert of order 1001 and 299 more
     * updates; waits until the replica is 2 s behind.
     */
    public static Thread stage(ReplicaPair pair) {
        SqlServer p = pair.primary();
        SqlServer r = pair.replica();
        p.execute(
                "USE app",
                "CREATE TABLE app.orders (id int PRIMARY KEY, sku varchar(20), qty int)",
                "INSERT INTO app.orders SELECT seq, CONCAT('SKU-', seq), 100 FROM seq_1_to_1000",
                "CREATE TABLE app.acked (id bigint AUTO_INCREMENT PRIMARY KEY, at timestamp(3) DEFAULT CURRENT_TIMESTAMP(3))",
                "GRANT SELECT, INSERT ON app.acked TO 'app'@'%'");
        pair.awaitReplicaCaughtUp();
        Thread blocker = new Thread(
                () -> {
                    try (Connection c = r.connect();
                            Statement s = c.createStatement()) {
                        s.execute("START TRANSACTION");
                        s.execute("SELECT id, SLEEP(600) FROM app.orders WHERE id = 1 FOR UPDATE");
                    } catch (SQLException | RuntimeException e) {
                        // killed by the runbook: that is the point
                    }
                },
                "inc003-blocker");
        blocker.setDaemon(true);
        blocker.start();
        await(
                () -> !r.query(
                                "SELECT id FROM information_schema.processlist WHERE info LIKE '%SLEEP(600)%' AND info NOT"
                                        + " LIKE '%processlist%'")
                        .isEmpty(),
                "the blocker to run");
        r.execute("SET sql_log_bin = 0", "INSERT INTO app.orders VALUES (1001, 'SKU-1001', 7)");
        p.execute(
                "UPDATE app.orders SET qty = qty - 1 WHERE id = 1",
                "INSERT INTO app.orders VALUES (1001, 'SKU-1001', 5)",
                "UPDATE app.orders SET qty = qty - 1 WHERE id BETWEEN 2 AND 300");
        await(
                () -> {
                    List<java.util.Map<String, Object>> rows = r.query("SHOW REPLICA STATUS");
                    Object behind = rows.isEmpty() ? null : rows.get(0).get("Seconds_Behind_Master");
                    return behind != null && Long.parseLong(String.valueOf(behind)) >= 2;
                },
                "the replica to be 2 s behind");
        return blocker;
    }

    private static void await(java.util.function.BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("INC-003 staging: timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while staging INC-003", e);
            }
        }
    }

    /** The application: an insert every 20 ms as {@code app}, each acknowledged id recorded. */
    private void write() {
        while (writing.get()) {
            try (Connection c = pair.primary().connectAsApp();
                    Statement s = c.createStatement()) {
                while (writing.get()) {
                    s.executeUpdate("INSERT INTO acked () VALUES ()", Statement.RETURN_GENERATED_KEYS);
                    try (var keys = s.getGeneratedKeys()) {
                        keys.next();
                        acked.add(keys.getLong(1));
                    }
                    Thread.sleep(20);
                }
            } catch (SQLException | RuntimeException e) {
                sleepQuietly(); // fenced (read-only, connection killed): the application retries, and fails
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pair, for tests. */
    public ReplicaPair pair() {
        return pair;
    }

    /** Ids the old primary acknowledged. */
    public Set<Long> acked() {
        return new TreeSet<>(acked);
    }

    /** Ids the old primary acknowledged that the promoted replica does not have. */
    public Set<Long> lostWrites() {
        Set<Long> lost = new TreeSet<>(acked);
        pair.replica()
                .query("SELECT id FROM app.acked")
                .forEach(row -> lost.remove(((Number) row.get("id")).longValue()));
        return lost;
    }

    @Override
    public String staged() {
        return staged;
    }

    @Override
    public Runbook runbook() {
        return MySqlReplicaLag.runbook(
                replica, primary, JUSTIFICATION, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    @Override
    public String observe() {
        return replica.replicationStatus().read() + "; old "
                + primary.replicationStatus().read() + "; order 1001 on"
                + " the promoted server: " + pair.replica().query("SELECT * FROM app.orders WHERE id = 1001") + "; "
                + acked.size() + " writes acknowledged by the old primary, "
                + lostWrites().size() + " of them missing"
                + " on the new one";
    }

    @Override
    public boolean fixed() {
        var now = replica.replicationStatus().read();
        return !now.isReplica()
                && !now.readOnly()
                && primary.replicationStatus().read().readOnly()
                && !acked.isEmpty()
                && lostWrites().isEmpty();
    }

    @Override
    public void close() {
        writing.set(false);
        writer.interrupt();
        blocker.interrupt();
        try {
            replica.close();
            primary.close();
        } finally {
            pair.close();
        }
    }
}
