package dev.runbook.mongo;

import dev.runbook.core.http.HttpReplayEndpoint;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplaySink;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bson.BsonDocument;

/**
 * Where a replay sends events, as the action binds it: a name, its parameters, a sink per apply, and
 * whether a send is final when it returns (an HTTP 2xx, a callback that returned) or only at the sink's
 * checkpoint (a buffering or transactional producer).
 */
record ReplayTarget(
        String name, Object parameters, Supplier<? extends ReplaySink<BsonDocument>> sinks, boolean finalOnSend) {

    ReplayTarget {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name the replay target, such as 'kafka payments-replay'");
        }
        Objects.requireNonNull(sinks, "sinks");
    }

    static ReplayTarget endpoint(HttpReplayEndpoint endpoint) {
        return new ReplayTarget(endpoint.name(), endpoint.parameters(), endpoint::sink, true);
    }

    static ReplayTarget sink(String name, Supplier<? extends ReplaySink<BsonDocument>> sinks) {
        return new ReplayTarget(name, Map.of("name", name), sinks, false);
    }

    static ReplayTarget callback(String name, Consumer<DlqRecord<BsonDocument>> callback) {
        Objects.requireNonNull(callback, "callback");
        return new ReplayTarget(
                name,
                Map.of("name", name),
                () -> new ReplaySink<>() {
                    @Override
                    public void send(DlqRecord<BsonDocument> record, ReplayDecision decision) {
                        callback.accept(record);
                    }

                    @Override
                    public void consumed(List<DlqRecord<BsonDocument>> records) {}

                    @Override
                    public void checkpoint() {}

                    @Override
                    public void close() {}
                },
                true);
    }
}
