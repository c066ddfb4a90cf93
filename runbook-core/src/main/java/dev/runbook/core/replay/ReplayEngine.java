package dev.runbook.core.replay;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Throttle;
import java.time.Clock;
import java.util.List;

/**
 * The replay logic every DLQ source and sink shares: decide each record with a {@link ReplaySelection},
 * stop at the record and byte limits, throttle to the rate limit, send, and checkpoint every 100,000
 * records (or 64 MB, or ~5 s under a rate limit, or 10 s of sending however slow) and at the end.
 * The dry run runs the same decisions without a sink, so its summary is what the replay will do.
 *
 * <pre>{@code
 * ReplaySummary wouldDo = ReplayEngine.dryRun(source, selection);
 * ReplaySummary did = ReplayEngine.replay(otherSource, sink, selection, ctx);
 * }</pre>
 */
public final class ReplayEngine {

    /** Sent records per checkpoint (one Kafka transaction) by default: large enough that commits cost little. */
    public static final long CHECKPOINT_RECORDS = 100_000;

    /** Key plus value bytes per checkpoint, whichever of the two limits comes first. */
    static final long CHECKPOINT_BYTES = 64L * 1024 * 1024;

    /**
     * Longest a checkpoint stays open while sending, however slow the sink: a Kafka transaction is
     * aborted by the broker after {@code transaction.timeout.ms} (60 s by default).
     */
    static final long CHECKPOINT_MILLIS = 10_000;

    private ReplayEngine() {}

    /** Reads the source's scope and says what a replay would do; sends and records nothing. */
    public static <P> ReplaySummary dryRun(ReplaySource<P> source, ReplaySelection selection) {
        return run(source, null, selection, null, CHECKPOINT_RECORDS);
    }

    /**
     * Replays the source's scope into {@code sink}, checkpointing as it goes; on any failure it
     * aborts what was sent since the last checkpoint and rethrows, so a rerun resumes there.
     *
     * @throws RefusedException if a record is malformed under {@link MalformedPolicy#REFUSE}, or must be
     *     parked and there is no parking target (the work before it is checkpointed)
     */
    public static <P> ReplaySummary replay(
            ReplaySource<P> source, ReplaySink<P> sink, ReplaySelection selection, ActionContext ctx) {
        return replay(source, sink, selection, ctx, CHECKPOINT_RECORDS);
    }

    /**
     * As {@link #replay(ReplaySource, ReplaySink, ReplaySelection, ActionContext)}, checkpointing after at
     * most {@code checkpointRecords} sent records (the other limits still apply).
     *
     * @throws IllegalArgumentException if checkpointRecords is not positive
     */
    public static <P> ReplaySummary replay(
            ReplaySource<P> source,
            ReplaySink<P> sink,
            ReplaySelection selection,
            ActionContext ctx,
            long checkpointRecords) {
        if (checkpointRecords < 1) {
            throw new IllegalArgumentException("checkpointRecords must be >= 1, was " + checkpointRecords);
        }
        try {
            return run(source, sink, selection, ctx, checkpointRecords);
        } catch (RuntimeException e) {
            try {
                sink.abort();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static <P> ReplaySummary run(
            ReplaySource<P> source,
            ReplaySink<P> sink,
            ReplaySelection selection,
            ActionContext ctx,
            long checkpointRecords) {
        SummaryBuilder summary = new SummaryBuilder();
        Throttle throttle = sink != null && ctx != null && selection.maxRate() > 0
                ? ctx.throttle("replay " + source.name(), selection.maxRate())
                : null;
        Checkpoints<P> checkpoints = sink == null
                ? null
                : new Checkpoints<>(
                        sink, checkpointRecords, selection.maxRate(), ctx == null ? Clock.systemUTC() : ctx.clock());
        boolean stop = false;
        while (!stop) {
            List<DlqRecord<P>> batch = source.poll();
            if (batch.isEmpty()) {
                break;
            }
            int handled = 0;
            for (DlqRecord<P> r : batch) {
                ReplayDecision d = selection.decide(r);
                if (d.sends()) {
                    if (summary.sent() >= selection.maxRecords()) {
                        summary.stoppedBy("maxRecords");
                        stop = true;
                        break;
                    }
                    if (summary.bytes() + r.bytes() > selection.maxBytes()) {
                        summary.stoppedBy("maxBytes");
                        stop = true;
                        break;
                    }
                }
                if (sink != null) {
                    String problem = unroutable(r, d, selection);
                    if (problem != null) {
                        checkpoints.consumed(batch, handled);
                        checkpoints.now();
                        source.consumed(batch.subList(0, handled));
                        throw new RefusedException(problem);
                    }
                    if (d.sends()) {
                        if (throttle != null) {
                            throttle.acquire(1);
                        }
                        sink.send(r, d);
                    }
                }
                summary.add(r, d);
                handled++;
                if (sink != null && d.sends() && checkpoints.due(r.bytes())) {
                    checkpoints.consumed(batch, handled);
                    checkpoints.now();
                }
            }
            if (sink != null) {
                checkpoints.consumed(batch, handled);
            }
            source.consumed(batch.subList(0, handled));
            if (ctx != null) {
                ctx.progress("records replayed", summary.sent(), -1);
            }
        }
        if (sink != null) {
            checkpoints.now();
        }
        return summary.build();
    }

    /** Why the record cannot be sent anywhere under this selection, or null when it can. */
    private static String unroutable(DlqRecord<?> r, ReplayDecision d, ReplaySelection selection) {
        if (d.kind() == ReplayDecision.Kind.MALFORMED && selection.onMalformed() == MalformedPolicy.REFUSE) {
            return "record " + r.position() + " has no usable origin (" + r.originProblem()
                    + "); set an explicit target, or onMalformed(SKIP or PARK), and plan again";
        }
        if (d.kind() == ReplayDecision.Kind.PARK && d.target() == null) {
            return "record " + r.position() + " must be parked (" + d.reason()
                    + ") but no parking target is set; set parkingTarget(...) or raise maxAttempts, and plan again";
        }
        return null;
    }

    /**
     * When the sink checkpoints: after the given number of sent records or {@link
     * #CHECKPOINT_BYTES}, after ~5 s of sending under a rate limit, after {@link #CHECKPOINT_MILLIS}
     * since the first send of the checkpoint in any case (so a transaction never stays open long), and
     * at the end. Polls are small and their records are handed to the sink as they are
     * handled, so the sink need not keep a whole checkpoint's records alive.
     */
    private static final class Checkpoints<P> {
        private final ReplaySink<P> sink;
        private final long everyRecords;
        private final Clock clock;
        private long openedAt;
        private long records;
        private long bytes;
        private boolean pending;
        private List<DlqRecord<P>> batch;
        private int reported;

        Checkpoints(ReplaySink<P> sink, long checkpointRecords, double maxRate, Clock clock) {
            this.sink = sink;
            this.clock = clock;
            this.everyRecords =
                    maxRate > 0 ? Math.min(checkpointRecords, Math.max(1, (long) (maxRate * 5))) : checkpointRecords;
        }

        /** Hands the sink the records of {@code batch} up to {@code handled} that it was not told of yet. */
        void consumed(List<DlqRecord<P>> batch, int handled) {
            if (batch != this.batch) {
                this.batch = batch;
                reported = 0;
            }
            if (handled > reported) {
                sink.consumed(batch.subList(reported, handled));
                reported = handled;
                pending = true;
            }
        }

        /** Counts one sent record; whether a checkpoint is due. */
        boolean due(long recordBytes) {
            bytes += recordBytes;
            long now = clock.millis();
            if (++records == 1) {
                openedAt = now;
            }
            return records >= everyRecords || bytes >= CHECKPOINT_BYTES || now - openedAt >= CHECKPOINT_MILLIS;
        }

        /** Checkpoints what was consumed since the last checkpoint, if anything. */
        void now() {
            if (pending) {
                sink.checkpoint();
                pending = false;
                records = 0;
                bytes = 0;
            }
        }
    }
}
