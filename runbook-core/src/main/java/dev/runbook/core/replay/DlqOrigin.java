package dev.runbook.core.replay;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a dead letter came from, as its DLQ recorded it: the original topic (or queue, or collection),
 * position, consumer group and the exception that sent it to the DLQ.
 *
 * <pre>{@code
 * new DlqOrigin("orders", 3, 1200L, "order-processor", "o.s.k.ListenerExecutionFailedException",
 *     "java.net.SocketTimeoutException", "Read timed out", failedAt)
 * }</pre>
 *
 * @param topic the original topic; never blank
 * @param partition the original partition, or null when the DLQ does not say
 * @param offset the original offset, or null when the DLQ does not say
 * @param group the consumer group that failed on it, or null when the DLQ does not say
 * @param exceptionClass the outer exception's class name, or null
 * @param causeClass the root cause's class name, or null
 * @param exceptionMessage the exception message, or null
 * @param originalTimestamp the original record's timestamp, or null
 */
public record DlqOrigin(
        String topic,
        Integer partition,
        Long offset,
        String group,
        String exceptionClass,
        String causeClass,
        String exceptionMessage,
        Instant originalTimestamp) {

    public DlqOrigin {
        Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("an origin needs a topic name, was blank");
        }
    }

    /** The exception to report and filter on: the cause when the DLQ names one, else the outer class. */
    public String exception() {
        return causeClass != null ? causeClass : exceptionClass;
    }
}
