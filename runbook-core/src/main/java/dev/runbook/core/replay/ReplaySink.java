package dev.runbook.core.replay;

import java.util.List;

/**
 * Where dead letters go, and where the replay's progress is recorded: a Kafka producer that commits the
 * replayer's DLQ offsets in the same transaction, an HTTP endpoint with a per-document status update.
 * Every copy it sends carries the {@link ReplayHeaders#REPLAY_ID} and {@link ReplayHeaders#ATTEMPT}.
 *
 * <pre>{@code
 * if (sink.claim(record, decision))  // a shared source: take the record first (compare-and-set)
 *     sink.send(record, decision);   // may buffer
 * sink.consumed(handled);            // the records handled so far (sent or not)
 * sink.checkpoint();                 // sends and progress become durable together
 * }</pre>
 *
 * @param <P> the source's record type
 */
public interface ReplaySink<P> extends AutoCloseable {

    /**
     * Takes {@code record} for this replay just before it is sent, where several replayers may share the
     * source and progress is recorded per record (a compare-and-set on a document's status, with a lease):
     * false when another replayer holds it or it changed since it was read. The engine then sends nothing
     * for it and counts it as {@link ReplaySummary#contended()}. Sources whose progress is a position (a
     * Kafka consumer group's offsets) need no claim: the default takes every record.
     *
     * @throws dev.runbook.core.TargetUnavailableException if the claim could not be made (nothing is sent)
     */
    default boolean claim(DlqRecord<P> record, ReplayDecision decision) {
        return true;
    }

    /** Sends one record to {@code decision.target()}, keeping its key, adding replay id and attempt. */
    void send(DlqRecord<P> record, ReplayDecision decision);

    /**
     * Told, in order and batch by batch, which records the engine handled (sent, skipped or malformed);
     * the next checkpoint records the source position after them. Keep their positions, not the records,
     * so that they can be collected before the checkpoint.
     */
    void consumed(List<DlqRecord<P>> records);

    /**
     * Makes everything sent since the last checkpoint durable together with the source position after
     * the records consumed so far; after a crash the replay resumes there.
     */
    void checkpoint();

    /** Drops what was sent since the last checkpoint, where the sink can (a transaction abort). */
    default void abort() {}

    @Override
    void close();
}
