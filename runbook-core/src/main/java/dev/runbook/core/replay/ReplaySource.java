package dev.runbook.core.replay;

import java.util.List;

/**
 * Where dead letters come from: a Kafka DLQ topic, a MongoDB {@code event_log} collection. A source
 * reads a fixed scope (chosen when it is opened, such as the records up to the end offsets seen at plan
 * time) in order, and never writes; a {@link ReplaySink} records what was consumed.
 *
 * <pre>{@code
 * try (ReplaySource<Doc> source = openSource()) {
 *     ReplaySummary dry = ReplayEngine.dryRun(source, selection);
 * }
 * }</pre>
 *
 * @param <P> the source's own record type, handed to the sink
 */
public interface ReplaySource<P> extends AutoCloseable {

    /** The source's name for messages and throttles: {@code kafka orders-dlq}. */
    String name();

    /**
     * The next records of the scope, in order; an empty list once the scope is exhausted.
     *
     * @throws dev.runbook.core.TargetUnavailableException if the source cannot be read
     */
    List<DlqRecord<P>> poll();

    /** Told which records of the last poll the engine handled (a prefix, when a limit stopped it). */
    default void consumed(List<DlqRecord<P>> records) {}

    @Override
    void close();
}
