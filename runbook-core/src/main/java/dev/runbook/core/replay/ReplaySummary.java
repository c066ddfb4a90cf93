package dev.runbook.core.replay;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay would do (dry run) or did: counts by origin, first and last positions, time range,
 * sample keys, target mapping, bytes, and how often the sent records had been replayed before. The dry
 * run and the replay produce it from the same decisions, so their figures reconcile.
 *
 * <pre>{@code
 * ReplaySummary s = ReplayEngine.dryRun(source, selection);
 * s.replayed();   // 1200
 * s.byOrigin();   // [orders / order-processor / java.net.SocketTimeoutException: 1200]
 * }</pre>
 *
 * @param scanned records read from the source
 * @param replayed records sent to their target
 * @param parked records sent to the parking target
 * @param skipped records the filters excluded (moved past, not sent)
 * @param malformed records whose origin could not be decoded (not sent)
 * @param bytes key plus value bytes of the records sent
 * @param byOrigin sent records counted by original topic, group and exception (cause first)
 * @param firstPosition the first sent record's position, or null
 * @param lastPosition the last sent record's position, or null
 * @param earliest the earliest DLQ timestamp among sent records, or null
 * @param latest the latest DLQ timestamp among sent records, or null
 * @param sampleKeys up to ten distinct keys of sent records
 * @param targets sent records per target (parking included)
 * @param malformedSamples up to ten malformed records as {@code position: problem}
 * @param stoppedBy {@code maxRecords} or {@code maxBytes} when a limit ended the scope early, else null
 * @param contended records another replayer held, or that changed after they were read, when the sink
 *     claimed them ({@link ReplaySink#claim}): not sent, left as they were; always 0 in a dry run
 * @param contendedSamples up to ten contended records' positions
 * @param previousAttempts sent records by how many times they had been replayed before (0: never)
 */
public record ReplaySummary(
        long scanned,
        long replayed,
        long parked,
        long skipped,
        long malformed,
        long bytes,
        List<OriginCount> byOrigin,
        String firstPosition,
        String lastPosition,
        Instant earliest,
        Instant latest,
        List<String> sampleKeys,
        Map<String, Long> targets,
        List<String> malformedSamples,
        String stoppedBy,
        long contended,
        List<String> contendedSamples,
        Map<Integer, Long> previousAttempts) {

    public ReplaySummary {
        byOrigin = List.copyOf(byOrigin == null ? List.of() : byOrigin);
        sampleKeys = List.copyOf(sampleKeys == null ? List.of() : sampleKeys);
        targets = Map.copyOf(targets == null ? Map.of() : targets);
        malformedSamples = List.copyOf(malformedSamples == null ? List.of() : malformedSamples);
        contendedSamples = List.copyOf(contendedSamples == null ? List.of() : contendedSamples);
        previousAttempts =
                Collections.unmodifiableMap(new TreeMap<>(previousAttempts == null ? Map.of() : previousAttempts));
    }

    /** Records sent anywhere: replayed plus parked. */
    public long sent() {
        return replayed + parked;
    }

    /** Whether there is nothing to send. */
    public boolean isEmpty() {
        return sent() == 0;
    }

    /** One line for a plan or report. */
    public String describe() {
        return String.format(
                "%,d replayed, %,d parked, %,d skipped by filters, %,d malformed%s of %,d scanned (%,d bytes)%s",
                replayed,
                parked,
                skipped,
                malformed,
                contended == 0 ? "" : String.format(", %,d contended (held by another replayer)", contended),
                scanned,
                bytes,
                stoppedBy == null ? "" : "; stopped by " + stoppedBy);
    }

    /**
     * Sent records from one origin.
     *
     * @param topic original topic, or {@code ?} for malformed records that were parked
     * @param group original consumer group, or null
     * @param exception exception class, cause first, or null
     * @param count how many
     */
    public record OriginCount(String topic, String group, String exception, long count) {}
}
