package dev.runbook.core.replay;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Throttle;
import java.util.ArrayList;
import java.util.List;

/**
 * The replay logic every DLQ source and sink shares: decide each record with a {@link ReplaySelection},
 * stop at the record and byte limits, throttle to the rate limit, send, and checkpoint after each batch.
 * The dry run runs the same decisions without a sink, so its summary is what the replay will do.
 *
 * <pre>{@code
 * ReplaySummary wouldDo = ReplayEngine.dryRun(source, selection);
 * ReplaySummary did = ReplayEngine.replay(otherSource, sink, selection, ctx);
 * }</pre>
 */
public final class ReplayEngine {

    private ReplayEngine() {}

    /** Reads the source's scope and says what a replay would do; sends and records nothing. */
    public static <P> ReplaySummary dryRun(ReplaySource<P> source, ReplaySelection selection) {
        return run(source, null, selection, null);
    }

    /**
     * Replays the source's scope into {@code sink}, checkpointing after each batch; on any failure it
     * aborts what was sent since the last checkpoint and rethrows, so a rerun resumes there.
     *
     * @throws RefusedException if a record is malformed under {@link MalformedPolicy#REFUSE}, or must be
     *     parked and there is no parking target (the work before it is checkpointed)
     */
    public static <P> ReplaySummary replay(
            ReplaySource<P> source, ReplaySink<P> sink, ReplaySelection selection, ActionContext ctx) {
        try {
            return run(source, sink, selection, ctx);
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
            ReplaySource<P> source, ReplaySink<P> sink, ReplaySelection selection, ActionContext ctx) {
        SummaryBuilder summary = new SummaryBuilder();
        Throttle throttle = sink != null && ctx != null && selection.maxRate() > 0
                ? ctx.throttle("replay " + source.name(), selection.maxRate())
                : null;
        // under a rate limit, checkpoint at least every ~5 s of sending, so that a transaction (or any
        // unit of progress) never stays open for long whatever the source's batch size
        long checkpointEvery = selection.maxRate() > 0 ? Math.max(1, (long) (selection.maxRate() * 5)) : Long.MAX_VALUE;
        long sentSinceCheckpoint = 0;
        boolean stop = false;
        while (!stop) {
            List<DlqRecord<P>> batch = source.poll();
            if (batch.isEmpty()) {
                break;
            }
            List<DlqRecord<P>> consumed = new ArrayList<>(batch.size());
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
                    refuseIfUnroutable(source, sink, consumed, r, d, selection);
                    if (d.sends()) {
                        if (throttle != null) {
                            throttle.acquire(1);
                        }
                        sink.send(r, d);
                    }
                }
                summary.add(r, d);
                consumed.add(r);
                if (d.sends() && ++sentSinceCheckpoint >= checkpointEvery && sink != null) {
                    sink.checkpoint(consumed);
                    source.consumed(consumed);
                    consumed = new ArrayList<>();
                    sentSinceCheckpoint = 0;
                }
            }
            if (!consumed.isEmpty()) {
                if (sink != null) {
                    sink.checkpoint(consumed);
                    sentSinceCheckpoint = 0;
                }
                source.consumed(consumed);
            }
            if (ctx != null) {
                ctx.progress("records replayed", summary.sent(), -1);
            }
        }
        return summary.build();
    }

    private static <P> void refuseIfUnroutable(
            ReplaySource<P> source,
            ReplaySink<P> sink,
            List<DlqRecord<P>> consumed,
            DlqRecord<P> r,
            ReplayDecision d,
            ReplaySelection selection) {
        String problem = null;
        if (d.kind() == ReplayDecision.Kind.MALFORMED && selection.onMalformed() == MalformedPolicy.REFUSE) {
            problem = "record " + r.position() + " has no usable origin (" + r.originProblem()
                    + "); set an explicit target, or onMalformed(SKIP or PARK), and plan again";
        } else if (d.kind() == ReplayDecision.Kind.PARK && d.target() == null) {
            problem = "record " + r.position() + " must be parked (" + d.reason()
                    + ") but no parking target is set; set parkingTarget(...) or raise maxAttempts, and plan again";
        }
        if (problem != null) {
            if (!consumed.isEmpty()) {
                sink.checkpoint(consumed);
                source.consumed(consumed);
            }
            throw new RefusedException(problem);
        }
    }
}
