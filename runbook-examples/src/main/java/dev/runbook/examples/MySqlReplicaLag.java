package dev.runbook.examples;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.sql.ReplicaLag;
import dev.runbook.sql.ReplicationStatus;
import dev.runbook.sql.Session;
import dev.runbook.sql.SqlActions;
import java.time.Duration;
import java.util.List;

/**
 * Seed runbook INC-003 "MySQL replica lag > 30s" as code: check the lag (in bytes and transactions as well
 * as seconds) and the long-running query that blocks the replica (triage case 1), kill it, wait until the
 * SQL thread moves on, skip the one event that then stops it (option B, with the justification the seed
 * asks for, audited), wait until the replica caught up, promote it in a planned switch-over (fence the old
 * primary, wait for its final position, promote), verify, and tell the team.
 *
 * <pre>{@code
 * try (SqlActions replica = SqlActions.connect("jdbc:mariadb://prod-mysql-replica.smp.local:3306/", "admin", pw);
 *         SqlActions primary = SqlActions.connect("jdbc:mariadb://prod-mysql-primary.smp.local:3306/", "admin", pw)) {
 *     Runbook rb = MySqlReplicaLag.runbook(replica, primary,
 *         "INC-003: order 1001 was typed into the replica by hand; reconcile its qty with the primary afterwards");
 * }
 * }</pre>
 *
 * <p>The skip is {@link Sequenced#whenReached}: which event stops the SQL thread is known only once the
 * blocker is gone, so the step is planned when the run reaches it and its approval is asked then.
 */
public final class MySqlReplicaLag {
    /** The seed's alert: {@code mysql_replica_lag_seconds > 30}. */
    public static final Duration ALERT_LAG = Duration.ofSeconds(30);

    /** A query running this long on the replica is the blocker (it has held the lag since the alert). */
    public static final Duration BLOCKER_AGE = Duration.ofSeconds(30);

    /** How long the replica may take to catch up after the skip. */
    public static final Duration CATCH_UP = Duration.ofMinutes(2);

    private MySqlReplicaLag() {}

    /**
     * The runbook with the seed's thresholds (lag above 30 s, blocker running longer than 30 s, 2 minutes to
     * catch up).
     *
     * @param skipJustification why the one event that stops the SQL thread may be skipped (audited); there is
     *     no default: the seed says "data inconsistency risk, cần justify"
     * @throws IllegalArgumentException for a blank justification
     */
    public static Runbook runbook(SqlActions replica, SqlActions primary, String skipJustification) {
        return runbook(replica, primary, skipJustification, ALERT_LAG, BLOCKER_AGE, CATCH_UP);
    }

    /**
     * The runbook for one replica and its primary.
     *
     * @param replica the lagging replica, to be promoted
     * @param primary its primary, to be fenced (left read-only)
     * @param skipJustification why the event that stops the SQL thread may be skipped (audited)
     * @param alertLag the lag above which the runbook applies, such as 30 s
     * @param blockerAge a query on the replica running longer than this is the one killed, such as 30 s
     * @param catchUp how long the replica may take to apply what it received, after the skip
     * @throws IllegalArgumentException for a blank justification, or durations that are not positive
     */
    public static Runbook runbook(
            SqlActions replica,
            SqlActions primary,
            String skipJustification,
            Duration alertLag,
            Duration blockerAge,
            Duration catchUp) {
        if (skipJustification == null || skipJustification.isBlank()) {
            throw new IllegalArgumentException("INC-003 skips one replication event: give the justification the seed"
                    + " asks for (the incident, and why this event may be lost), such as \"INC-003: order 1001 was"
                    + " written on the replica by hand\"");
        }
        requirePositive("alertLag", alertLag);
        requirePositive("blockerAge", blockerAge);
        requirePositive("catchUp", catchUp);
        long alertSeconds = alertLag.toSeconds();
        Probe<ReplicaLag> lag = replica.replicaLag(primary);
        Probe<ReplicationStatus> status = replica.replicationStatus();
        return Runbook.builder("INC-003", "MySQL replica lag")
                .severity(Severity.SEV2)
                .service("mysql")
                .link("seeds/000 INC-003: Detect, Triage (case 1), Mitigate (option B), Communicate, Resolve")
                .precheck(
                        "the replica is more than " + alertSeconds + " s behind",
                        lag,
                        Condition.<ReplicaLag>of(
                                "has seconds behind > " + alertSeconds + " and transactions to apply",
                                l -> l.seconds() != null
                                        && l.seconds() > alertSeconds
                                        && (l.transactions() == null || l.transactions() > 0)))
                .precheck(
                        "a long-running query blocks the replica",
                        replica.longRunningQueries(blockerAge),
                        Condition.<List<Session>>of("is not empty", l -> !l.isEmpty()))
                .manual(
                        "tell the team",
                        "Slack #infra-alerts: 'MySQL replica lag > " + alertSeconds + " s, killing the blocking"
                                + " query, then switching over to the replica'; if reports are affected, tell the"
                                + " business team")
                .step(
                        "kill the blocking query",
                        replica.terminateSessions()
                                .runningLongerThan(blockerAge)
                                .maxSessions(1))
                .waitUntil(
                        "the SQL thread moves on",
                        status,
                        Condition.<ReplicationStatus>of(
                                "has stopped on an error or has nothing left to apply",
                                s -> !s.applying() && s.lastErrorNumber() != 0
                                        || s.applying() && Long.valueOf(0).equals(s.secondsBehind())),
                        catchUp)
                .step(
                        "skip the one event that stops it",
                        Sequenced.whenReached(replica.skipReplicationEvent(skipJustification)))
                .waitUntil(
                        "the replica caught up",
                        lag,
                        Condition.<ReplicaLag>of(
                                "has 0 transactions and 0 bytes to apply",
                                l -> Long.valueOf(0).equals(l.bytes())
                                        && (l.transactions() == null || l.transactions() == 0)),
                        catchUp)
                .step("promote the replica", replica.promoteReplica(primary))
                .verify(
                        "the replica is the primary and takes writes",
                        status,
                        Condition.<ReplicationStatus>of(
                                "is a primary, not read-only", s -> !s.isReplica() && !s.readOnly()))
                .id("the-replica-is-the-primary")
                .verify(
                        "the old primary is fenced",
                        primary.replicationStatus(),
                        Condition.<ReplicationStatus>of("is read-only", ReplicationStatus::readOnly))
                .manual(
                        "repoint the clients and tell the team",
                        "Point MYSQL_DSN and MYSQL_READ_DSN (ConfigMap) at the promoted server and restart the"
                                + " affected pods; rebuild the old primary as a replica; Slack #infra-alerts:"
                                + " 'Resolved, replica routing restored'")
                .build();
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }
}
