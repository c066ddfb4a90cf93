package dev.runbook.core.replay;

import java.util.List;

/**
 * Where dead letters go, and where the replay's progress is recorded: a Kafka producer that commits the
 * replayer's DLQ offsets in the same transaction, an HTTP endpoint with a per-record status update.
 * Every copy it sends carries the {@link ReplayHeaders#REPLAY_ID} and {@link ReplayHeaders#ATTEMPT}.
 *
 * <pre>{@code
 * sink.send(record, decision);       // may buffer
 * sink.checkpoint(handled);          // sends and progress become durable together
 * }</pre>
 *
 * @param <P> the source's record type
 */
public interface ReplaySink<P> extends AutoCloseable {

    /** Sends one record to {@code decision.target()}, keeping its key, adding replay id and attempt. */
    void send(DlqRecord<P> record, ReplayDecision decision);

    /**
     * Makes everything sent since the last checkpoint durable together with the source position after
     * {@code consumed} (all records handled, sent or skipped); after a crash the replay resumes there.
     */
    void checkpoint(List<DlqRecord<P>> consumed);

    /** Drops what was sent since the last checkpoint, where the sink can (a transaction abort). */
    default void abort() {}

    @Override
    void close();
}
