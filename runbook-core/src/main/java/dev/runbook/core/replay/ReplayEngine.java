package dev.runbook.core.replay;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Throttle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The replay logic every DLQ source and sink shares: decide each record with a {@link ReplaySelection},
 * stop at the record and byte limits, throttle to the rate limit, claim it ({@link ReplaySink#claim}:
 * a record another replayer holds is passed over), send, and checkpoint every 100,000
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
        return run(source, null, selection, null, CHECKPOINT_RECORDS, () -> false, delta -> {});
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
        return lane(source, sink, selection, ctx, checkpointRecords, () -> false, progress(ctx));
    }

    /**
     * As {@link #replay(ReplaySource, ReplaySink, ReplaySelection, ActionContext, long)}, over lanes that run
     * at the same time, each on its own thread: lane {@code i} reads {@code sources.get(i)} and sends to
     * and checkpoints with {@code sinks.get(i)}, so the sources must share out the scope (disjoint
     * partitions) and each sink records its own source's progress. Within a lane, records go in order, as
     * with one lane. If a lane fails, the others stop at their next batch and abort what they sent since
     * their last checkpoint; the first failure is thrown, the others' added as suppressed. A rerun resumes
     * each lane at its checkpoint.
     *
     * <p>Limits count records and bytes in one order, so a selection with {@code maxRecords}, {@code maxBytes}
     * or {@code maxRate} takes one lane.
     *
     * @return the lanes' summaries added up
     * @throws IllegalArgumentException if the lists differ in size or are empty, or several lanes get a
     *     selection with limits
     */
    public static <P> ReplaySummary replay(
            List<? extends ReplaySource<P>> sources,
            List<? extends ReplaySink<P>> sinks,
            ReplaySelection selection,
            ActionContext ctx,
            long checkpointRecords) {
        if (sources.isEmpty() || sources.size() != sinks.size()) {
            throw new IllegalArgumentException(
                    "one sink per source, at least one: " + sources.size() + " sources, " + sinks.size() + " sinks");
        }
        if (sources.size() == 1) {
            return replay(sources.get(0), sinks.get(0), selection, ctx, checkpointRecords);
        }
        if (selection.hasLimits()) {
            throw new IllegalArgumentException(
                    "maxRecords, maxBytes and maxRate count across all records in one order: replay with one lane");
        }
        if (checkpointRecords < 1) {
            throw new IllegalArgumentException("checkpointRecords must be >= 1, was " + checkpointRecords);
        }
        int n = sources.size();
        ReplaySummary[] done = new ReplaySummary[n];
        Throwable[] failed = new Throwable[n];
        AtomicBoolean stop = new AtomicBoolean();
        LongConsumer progress = progress(ctx);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int lane = i;
            Runnable work = () -> {
                try {
                    done[lane] = lane(
                            sources.get(lane), sinks.get(lane), selection, ctx, checkpointRecords, stop::get, progress);
                } catch (RuntimeException | Error e) {
                    failed[lane] = e;
                    stop.set(true);
                }
            };
            if (i < n - 1) {
                Thread t = new Thread(
                        work, "runbook-replay-lane-" + i + "-" + sources.get(i).name());
                t.setDaemon(true);
                t.start();
                threads.add(t);
            } else {
                work.run();
            }
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    // stop the lanes at their next batch, but wait for them: each aborts its open transaction
                    stop.set(true);
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable first = null;
        for (Throwable e : failed) {
            if (e instanceof LaneStopped || e == null) {
                continue;
            }
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw (RuntimeException) first;
        }
        if (Arrays.stream(failed).anyMatch(LaneStopped.class::isInstance)) {
            // no lane failed: the caller's thread was interrupted, and the lanes it stopped aborted
            throw new TargetUnavailableException(
                    "interrupted while replaying " + sources.get(0).name()
                            + "; each lane stopped at its last checkpoint; rerun to resume",
                    null);
        }
        SummaryBuilder total = new SummaryBuilder();
        for (ReplaySummary s : done) {
            total.add(s);
        }
        return total.build();
    }

    /** Thrown in a lane that stopped because another failed; never leaves {@link #replay(List, List, ReplaySelection, ActionContext, long)}. */
    private static final class LaneStopped extends RuntimeException {
        LaneStopped() {
            super("another lane failed", null, false, false);
        }
    }

    /** Adds up the records the lanes report sent (deltas) and reports the total to {@code ctx}, one at a time. */
    private static LongConsumer progress(ActionContext ctx) {
        if (ctx == null) {
            return delta -> {};
        }
        AtomicLong sent = new AtomicLong();
        return delta -> {
            synchronized (sent) {
                ctx.progress("records replayed", sent.addAndGet(delta), -1);
            }
        };
    }

    private static <P> ReplaySummary lane(
            ReplaySource<P> source,
            ReplaySink<P> sink,
            ReplaySelection selection,
            ActionContext ctx,
            long checkpointRecords,
            BooleanSupplier stop,
            LongConsumer progress) {
        try {
            return run(source, sink, selection, ctx, checkpointRecords, stop, progress);
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
            long checkpointRecords,
            BooleanSupplier stopped,
            LongConsumer progress) {
        SummaryBuilder summary = new SummaryBuilder();
        Throttle throttle = sink != null && ctx != null && selection.maxRate() > 0
                ? ctx.throttle("replay " + source.name(), selection.maxRate())
                : null;
        Checkpoints<P> checkpoints = sink == null
                ? null
                : new Checkpoints<>(
                        sink, checkpointRecords, selection.maxRate(), ctx == null ? Clock.systemUTC() : ctx.clock());
        boolean stop = false;
        long reported = 0;
        while (!stop) {
            if (stopped.getAsBoolean()) {
                throw new LaneStopped();
            }
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
                        if (!sink.claim(r, d)) {
                            summary.contended(r);
                            handled++;
                            continue;
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
            progress.accept(summary.sent() - reported);
            reported = summary.sent();
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
