package dev.runbook.mongo;

import com.mongodb.client.MongoCollection;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplaySource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Reads a DLQ collection's claimable events in {@code _id} order, one page per poll, each page a fresh
 * query after the last {@code _id} handled (no cursor stays open across a slow replay), up to the
 * plan's last {@code _id}. Never writes: {@link ClaimingSink} claims and marks.
 */
final class MongoDlqSource implements ReplaySource<BsonDocument> {
    static final int PAGE = 500;

    private final MongoTarget target;
    private final MongoCollection<RawBsonDocument> collection;
    private final ReplayStatements statements;
    private final DlqDecoder decoder;
    private final Clock clock;
    private final BsonValue upTo;
    private BsonValue after;
    private BsonValue lastHandled;
    private boolean exhausted;

    MongoDlqSource(
            MongoTarget target,
            String collection,
            ReplayStatements statements,
            DlqDecoder decoder,
            Clock clock,
            BsonValue upTo) {
        this.target = target;
        this.collection = target.database().getCollection(collection, RawBsonDocument.class);
        this.statements = statements;
        this.decoder = decoder;
        this.clock = clock;
        this.upTo = upTo;
    }

    @Override
    public String name() {
        return target.name() + "." + collection.getNamespace().getCollectionName();
    }

    @Override
    public List<DlqRecord<BsonDocument>> poll() {
        if (exhausted) {
            return List.of();
        }
        BsonDocument query = statements.scan(ReplayStatements.date(Instant.now(clock)), after, upTo);
        List<RawBsonDocument> page =
                target.call("reading " + name() + " after _id " + (after == null ? "(start)" : after), () -> collection
                        .find(query)
                        .sort(new BsonDocument("_id", new org.bson.BsonInt32(1)))
                        .limit(PAGE)
                        .into(new ArrayList<>()));
        if (page.size() < PAGE) {
            exhausted = true;
        }
        List<DlqRecord<BsonDocument>> out = new ArrayList<>(page.size());
        for (RawBsonDocument doc : page) {
            out.add(decoder.decode(doc));
        }
        if (!page.isEmpty()) {
            after = page.get(page.size() - 1).get("_id");
        }
        return out;
    }

    @Override
    public void consumed(List<DlqRecord<BsonDocument>> records) {
        if (!records.isEmpty()) {
            lastHandled = records.get(records.size() - 1).payload().get("_id");
        }
    }

    /** The {@code _id} of the last event the engine handled, or null when it handled none. */
    BsonValue lastHandled() {
        return lastHandled;
    }

    @Override
    public void close() {}
}
