package dev.runbook.core.replay;

import java.util.List;

/**
 * Where dead letters go, and where the replay's progress is recorded: a Kafka producer that commits the
 * replayer's DLQ offsets in the same transaction, an HTTP endpoint with a per-record status update.
 * Every copy it sends carries the {@link ReplayHeaders#REPLAY_ID} and {@link ReplayHeaders#ATTEMPT}.
 *
 * <pre>{@code
 * sink.send(record, decision);       // may buffer
 * sink.consumed(handled);            // the records handled so far (sent or not)
 * sink.checkpoint();                 // sends and progress become durable together
 * }</pre>
 *
 * @param <P> the source's record type
 */
public interface ReplaySink<P> extends AutoCloseable {

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
