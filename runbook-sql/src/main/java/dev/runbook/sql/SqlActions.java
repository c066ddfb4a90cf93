package dev.runbook.sql;

import dev.runbook.core.Probe;
import dev.runbook.core.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The SQL remediation kit for PostgreSQL and MySQL/MariaDB: replication status and lag, connection
 * saturation, long-running queries, ending sessions, skipping one replication event, and promoting a
 * replica with no acknowledged write lost.
 *
 * <pre>{@code
 * try (var replica = SqlActions.connect("jdbc:postgresql://10.0.0.2:5432/postgres", "postgres", Secret.of(pw))) {
 *     System.out.println(replica.replicaLag().read());
 *     var promote = replica.promoteReplica();
 *     var plan = promote.plan(ActionContext.standalone());   // dry run: reads only
 * }
 * }</pre>
 *
 * <p>Each server is one {@code SqlActions}; the engine (PostgreSQL, MariaDB, MySQL) and version are read
 * from the connection and pick every statement. Closing it closes only the pool it made itself: a {@link
 * DataSource} given by the user stays open.
 */
public final class SqlActions implements AutoCloseable {
    private final SqlTarget target;

    private SqlActions(SqlTarget target) {
        this.target = target;
    }

    /**
     * Connects through a small HikariCP pool (4 connections at most, 5 s connect timeout), for JShell:
     * {@code jdbc:postgresql://host:5432/postgres}, {@code jdbc:mariadb://host:3306/} or {@code
     * jdbc:mysql://host:3306/}. The pool opens on first use. With these credentials the library can also
     * reach the replica's primary (for lag and promotion).
     *
     * @throws IllegalArgumentException for a malformed URL or a blank user
     */
    public static SqlActions connect(String jdbcUrl, String user, Secret password) {
        return new SqlActions(SqlTarget.connect(jdbcUrl, user, password));
    }

    /** Uses the user's DataSource (a pool, usually); it is never closed by this library. */
    public static SqlActions of(DataSource dataSource) {
        return new SqlActions(SqlTarget.of(dataSource));
    }

    SqlTarget target() {
        return target;
    }

    /** The server, for people: {@code postgresql://10.0.0.2:5432}. */
    public String name() {
        return target.name();
    }

    /** The engine and version, read from the server once. */
    public Dialect dialect() {
        return target.dialect();
    }

    /** Role, source, receiver and applier state, positions, timeline or GTIDs, last error. */
    public Probe<ReplicationStatus> replicationStatus() {
        return Probe.of(target.name() + " replication status", () -> Replication.status(target));
    }

    /**
     * Lag of this replica behind its primary in bytes (and GTID transactions), beside the reported seconds.
     * The primary is reached at the address the replica replicates from, with this connection's
     * credentials (a DataSource-made {@code SqlActions} measures without it; use {@link
     * #replicaLag(SqlActions)}).
     */
    public Probe<ReplicaLag> replicaLag() {
        return Probe.of(target.name() + " replica lag", () -> Replication.lag(target, primaryOrNull()));
    }

    /** Lag of this replica behind {@code primary}. */
    public Probe<ReplicaLag> replicaLag(SqlActions primary) {
        return Probe.of(
                target.name() + " replica lag behind " + primary.name(), () -> Replication.lag(target, primary.target));
    }

    private SqlTarget primaryOrNull() {
        if (!target.canReachPeers()) {
            return null;
        }
        ReplicationStatus s = Replication.status(target);
        if (!s.isReplica() || s.source() == null) {
            return null;
        }
        int colon = s.source().lastIndexOf(':');
        return target.peer(
                s.source().substring(0, colon), Integer.parseInt(s.source().substring(colon + 1)), "lag");
    }

    /** Every session: pid, user, database, application, state, age, query. */
    public Probe<List<Session>> sessions() {
        return Probe.of(target.name() + " sessions", () -> Sessions.read(target));
    }

    /** Client connections used against {@code max_connections}, per user and state. */
    public Probe<ConnectionSaturation> connectionSaturation() {
        return Probe.of(target.name() + " connection saturation", () -> {
            Dialect d = target.dialect();
            long[] limits = target.call(
                    "read the connection limit",
                    c -> d.isPostgres()
                            ? new long[] {
                                Long.parseLong(SqlTarget.scalar(c, "SHOW max_connections")),
                                Long.parseLong(SqlTarget.scalar(c, "SHOW superuser_reserved_connections"))
                            }
                            : new long[] {Long.parseLong(SqlTarget.scalar(c, "SELECT @@max_connections")), 1});
            Map<String, Long> byUser = new TreeMap<>();
            Map<String, Long> byState = new TreeMap<>();
            long used = 0;
            for (Session s : Sessions.read(target)) {
                if (s.isClient() || s.isHidden()) { // hidden: in use, though its state is not shown to this user
                    used++;
                    byUser.merge(s.user(), 1L, Long::sum);
                    byState.merge(s.state(), 1L, Long::sum);
                }
            }
            return new ConnectionSaturation(target.name(), used, limits[0], limits[1], byUser, byState);
        });
    }

    /** Client sessions running one statement for longer than {@code longerThan} (the seed: active > 5 minutes). */
    public Probe<List<Session>> longRunningQueries(Duration longerThan) {
        if (longerThan == null || longerThan.isNegative()) {
            throw new IllegalArgumentException("longerThan must be zero or more, was " + longerThan);
        }
        return Probe.of(
                target.name() + " queries running longer than " + longerThan, () -> Sessions.read(target).stream()
                        .filter(s ->
                                s.isClient() && s.isActive() && !s.self() && s.stateSeconds() >= longerThan.toSeconds())
                        .toList());
    }

    /**
     * One read-only statement as a probe, its values bound to the {@code ?} in order: {@code
     * finance.query("stale rates", "SELECT ... WHERE rate_date < ?", LocalDate.of(2026, 12, 5))}. It runs in
     * a {@code READ ONLY} transaction (the server refuses writes), rolled back, under a 10 s statement
     * timeout, refusing more than 1,000 rows; see {@link SqlQuery} for {@code .maxRows(n)} and {@code
     * .timeout(d)}.
     *
     * @param title what the query is for, for people (plans and errors name it)
     * @throws IllegalArgumentException for a blank title or statement, several statements (also behind a
     *     comment or a quote), a statement that does not read (SET, COPY, KILL, INSERT...), a function whose
     *     effect the transaction does not stop (pg_terminate_backend, GET_LOCK, INTO OUTFILE...), or a value of
     *     another type than String, number, Boolean, LocalDate, LocalDateTime, LocalTime, OffsetDateTime,
     *     Instant, UUID, byte[]
     */
    public SqlQuery query(String title, String sql, Object... params) {
        return SqlQuery.of(target, title, sql, params);
    }

    /**
     * Ends sessions selected by idle time, running time, state, user, database, application or query text
     * (at least one), never this library's own, replication or background sessions; see {@link
     * TerminateSessions}.
     */
    public TerminateSessions terminateSessions() {
        return new TerminateSessions(target, SessionSelection.none(), TerminateSessions.DEFAULT_MAX_SESSIONS, false);
    }

    /**
     * Skips the one replication event that stopped this replica's SQL thread (MariaDB/MySQL), recording
     * why; see {@link SkipReplicationEvent}.
     *
     * @throws IllegalArgumentException when the justification is blank
     */
    public SkipReplicationEvent skipReplicationEvent(String justification) {
        return new SkipReplicationEvent(target, justification);
    }

    /**
     * Promotes this replica, in planned mode from the primary it replicates from, reached at the address in
     * its replication status with this connection's credentials; see {@link PromoteReplica}.
     */
    public PromoteReplica promoteReplica() {
        return new PromoteReplica(target, null, PromotionSettings.defaults());
    }

    /** Promotes this replica, fencing {@code oldPrimary} first (planned mode). */
    public PromoteReplica promoteReplica(SqlActions oldPrimary) {
        return new PromoteReplica(target, oldPrimary.target, PromotionSettings.defaults());
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "SqlActions[" + target.name() + "]";
    }
}
