package dev.runbook.mongo;

import dev.runbook.core.replay.ReplaySummary;
import java.util.List;

/**
 * What a {@link ReplayDlq} apply did, event by event where it matters: the counts, the events it sent
 * again because an earlier replayer's lease had expired before it marked them (the target saw their
 * idempotency key before), the events another replayer held, and the events whose lease ran out before
 * they were marked. Lists hold at most {@value #LISTED} ids each; the counts are exact.
 *
 * <pre>{@code
 * ReplayDlqOutcome o = result.details(ReplayDlqOutcome.class);
 * o.reclaimed();   // [evt-1042 (lease of r1/02-replay#5f3a until 2026-12-07T01:02:03Z)]
 * }</pre>
 *
 * @param owner this apply's lease owner ({@code <run>/<step>#<nonce>}), stored in {@code replay.owner}
 * @param replayed events sent and marked replayed
 * @param parked events parked (too many attempts, or malformed under {@code onMalformed(PARK)})
 * @param malformedLeft malformed events left as they were ({@code onMalformed(SKIP)})
 * @param contended events another replayer held, or that changed after they were read: not sent
 * @param contendedIds their event ids
 * @param reclaimed events taken over from an expired lease and sent again, with the lease they had
 * @param reclaimedCount how many
 * @param settledByTarget events sent whose status the target itself changed before they were marked
 * @param leaseLost events sent whose lease another replayer took over before they were marked
 * @param leaseLostIds their event ids
 * @param timings where the apply spent its time
 * @param summary the replay engine's summary (counts by event type and error, attempts, time range)
 */
public record ReplayDlqOutcome(
        String owner,
        long replayed,
        long parked,
        long malformedLeft,
        long contended,
        List<String> contendedIds,
        List<String> reclaimed,
        long reclaimedCount,
        long settledByTarget,
        long leaseLost,
        List<String> leaseLostIds,
        Timings timings,
        ReplaySummary summary) {

    /**
     * Milliseconds spent in each part of the apply (the rest is reading pages, deciding and waiting for
     * the rate limit).
     *
     * @param claimMillis claiming events ({@code findOneAndUpdate}, one round trip each)
     * @param sendMillis sending them to the target (and its checkpoints, for a buffering target)
     * @param markMillis marking them replayed (bulk writes)
     */
    public record Timings(long claimMillis, long sendMillis, long markMillis) {}

    /** Ids listed per kind at most. */
    public static final int LISTED = 1000;

    public ReplayDlqOutcome {
        contendedIds = List.copyOf(contendedIds == null ? List.of() : contendedIds);
        reclaimed = List.copyOf(reclaimed == null ? List.of() : reclaimed);
        leaseLostIds = List.copyOf(leaseLostIds == null ? List.of() : leaseLostIds);
    }

    /** One line for a report. */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format("%,d replayed, %,d parked", replayed, parked));
        if (malformedLeft > 0) {
            b.append(String.format(", %,d malformed left in the DLQ", malformedLeft));
        }
        if (contended > 0) {
            b.append(String.format(", %,d held by another replayer (not sent)", contended));
        }
        if (reclaimedCount > 0) {
            b.append(String.format(", %,d sent again after an expired lease", reclaimedCount));
        }
        if (settledByTarget > 0) {
            b.append(String.format(", %,d settled by the target itself", settledByTarget));
        }
        if (leaseLost > 0) {
            b.append(String.format(", %,d lost their lease before being marked", leaseLost));
        }
        return b.toString();
    }
}
