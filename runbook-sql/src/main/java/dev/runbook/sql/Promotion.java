package dev.runbook.sql;

import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.TargetUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The engine-specific steps of {@link PromoteReplica}: observe and check, fence, read the final position,
 * wait for the candidate to apply it, promote, unfence. One instance per plan or apply.
 */
abstract class Promotion {
    final SqlTarget candidate;
    final SqlTarget old;
    final PromotionSettings settings;

    Promotion(SqlTarget candidate, SqlTarget old, PromotionSettings settings) {
        this.candidate = candidate;
        this.old = old;
        this.settings = settings;
    }

    static Promotion of(SqlTarget candidate, SqlTarget old, PromotionSettings settings) {
        return candidate.dialect().isPostgres()
                ? new PgPromotion(candidate, old, settings)
                : new MyPromotion(candidate, old, settings);
    }

    /**
     * What plan and apply observe before changing anything.
     *
     * @param status the candidate's replication status
     * @param roles the stable part, fingerprinted
     * @param lagBytes bytes the candidate is behind (planned) or has received but not applied (unplanned)
     * @param lagTransactions GTID transactions behind (MariaDB/MySQL, planned), else null
     * @param oldPosition the old primary's position now (planned), else the candidate's last received one
     * @param oldWritable whether the old primary takes writes now
     * @param statements the exact statements apply will run, in order
     * @param warnings what the reviewer should know
     */
    record Facts(
            ReplicationStatus status,
            PromoteReplica.Roles roles,
            long lagBytes,
            Long lagTransactions,
            String oldPosition,
            boolean oldWritable,
            List<String> statements,
            List<String> warnings) {}

    /** Reads both servers and refuses, naming what to fix, when a precondition fails. */
    abstract Facts observe();

    /** Makes the old primary refuse writes and ends its client sessions. */
    abstract void fence();

    /** The old primary's position once fenced: everything acknowledged is at or before it. */
    abstract String finalPosition();

    /** Waits until the candidate applied {@code position}, or throws within the catch-up timeout. */
    abstract void awaitApplied(String position);

    /** Unplanned: waits until the candidate applied all it received. */
    abstract void awaitReceivedApplied();

    /** Promotes the candidate and waits until it is a primary that takes writes. */
    abstract void promote();

    /** Undoes {@link #fence()}. */
    abstract void unfence();

    /** Runs the write probe on the candidate; returns what it did, throws if writes are refused. */
    abstract String writeProbe();

    /** The candidate's state after promotion, for the result and verify. */
    abstract Map<String, Object> candidateState();

    /** The statements of {@link #unfence()}, for messages. */
    abstract String unfenceStatements();

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Polls {@code done} every 10 ms until it holds or {@code timeout} passes. */
    static boolean poll(Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RefusedException("interrupted while waiting", e);
            }
        }
    }

    /** The same kind of exception with more said. */
    static RunbookException extend(RunbookException e, String more) {
        String msg = e.getMessage() + "; " + more;
        if (e instanceof TargetUnavailableException t) {
            return new TargetUnavailableException(msg, e, t.retriable());
        }
        if (e instanceof dev.runbook.core.StalePlanException) {
            return new dev.runbook.core.StalePlanException(msg);
        }
        return new RefusedException(msg, e);
    }
}
