package dev.runbook.core.replay;

import java.time.Instant;
import java.util.Objects;

/**
 * One dead letter read from a {@link ReplaySource}: its position there, key, decoded origin, how often it
 * was replayed before, and the source's own payload (a Kafka record, a MongoDB document).
 *
 * <pre>{@code
 * DlqRecord<ConsumerRecord<byte[], byte[]>> r =
 *     new DlqRecord<>("orders-dlq/0/17", "order-42", origin, null, 0, ts, 200, consumerRecord);
 * }</pre>
 *
 * @param position where the record sits in the source; also its replay id ({@code orders-dlq/0/17})
 * @param key the record key as text (for filters and samples), or null
 * @param origin the decoded origin, or null when {@code originProblem} says why it could not be decoded
 * @param originProblem why the origin is missing or malformed, or null when {@code origin} is set
 * @param previousAttempts how many times the replayer sent it before (from its attempt header)
 * @param timestamp when it entered the DLQ
 * @param bytes key plus value size, for {@code maxBytes} and the summary
 * @param payload the source's record, handed back to the sink
 * @param <P> the source's record type
 */
public record DlqRecord<P>(
        String position,
        String key,
        DlqOrigin origin,
        String originProblem,
        int previousAttempts,
        Instant timestamp,
        long bytes,
        P payload) {

    public DlqRecord {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(timestamp, "timestamp");
        if ((origin == null) == (originProblem == null)) {
            throw new IllegalArgumentException("record " + position + " needs exactly one of origin and originProblem");
        }
        if (previousAttempts < 0 || bytes < 0) {
            throw new IllegalArgumentException("record " + position + ": attempts and bytes must be >= 0, were "
                    + previousAttempts + ", " + bytes);
        }
    }

    /** Whether the origin could be decoded. */
    public boolean hasOrigin() {
        return origin != null;
    }
}
