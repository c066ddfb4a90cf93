package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.replay.DlqRecord;
import java.time.Instant;
import java.util.Date;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class DlqDecoderTest {
    static final Instant T = Instant.parse("2026-12-01T08:00:00Z");
    final DlqDecoder decoder = new DlqDecoder(DlqFields.eventLog());

    static RawBsonDocument raw(Document d) {
        return new RawBsonDocument(d, new DocumentCodec());
    }

    static Document good() {
        return new Document("_id", new ObjectId())
                .append("event_id", "evt-1")
                .append("event_type", "inside.payment.succeeded")
                .append("status", "dlq")
                .append("error", "order_id 4711 not found\n\tat Handler.java:42")
                .append("created_at", Date.from(T))
                .append("replay", new Document("attempts", 2));
    }

    @Test
    void aGoodEvent_isItsIdTypeErrorTimeAndAttempts() {
        DlqRecord<BsonDocument> r = decoder.decode(raw(good()));
        assertThat(r.position()).isEqualTo("evt-1");
        assertThat(r.key()).isEqualTo("evt-1");
        assertThat(r.origin().topic()).isEqualTo("inside.payment.succeeded");
        assertThat(r.origin().exception()).as("first line, digits folded").isEqualTo("order_id # not found");
        assertThat(r.origin().exceptionMessage()).startsWith("order_id 4711 not found\n");
        assertThat(r.timestamp()).isEqualTo(T);
        assertThat(r.previousAttempts()).isEqualTo(2);
        assertThat(r.bytes()).isPositive();
        assertThat(r.payload().getString("event_id").getValue()).isEqualTo("evt-1");
    }

    @Test
    void malformedEvents_sayWhichFieldAndWhy_andAreNamedByTheirId() {
        assertThat(decoder.decode(raw(good().append("event_id", null))).originProblem())
                .isEqualTo("event_id is missing");
        DlqRecord<BsonDocument> noId = decoder.decode(raw(good().append("event_id", 42L)));
        assertThat(noId.originProblem()).isEqualTo("event_id is int64, expected a non-blank string");
        assertThat(noId.position()).startsWith("_id ");
        assertThat(decoder.decode(raw(good().append("event_type", "  "))).originProblem())
                .isEqualTo("event_type is string, expected a non-blank string");
        assertThat(decoder.decode(raw(good().append("created_at", "yesterday"))).originProblem())
                .isEqualTo("created_at is string, expected a date");
        assertThat(decoder.decode(raw(good().append("replay", "x"))).originProblem())
                .isEqualTo("replay is string, expected a subdocument");
        assertThat(decoder.decode(raw(good().append("replay", new Document("attempts", -1))))
                        .originProblem())
                .isEqualTo("replay.attempts is -1, expected a count >= 0");
        assertThat(decoder.decode(raw(good().append("error", new Document("code", 500))))
                        .hasOrigin())
                .as("any error value is only text to group by")
                .isTrue();
    }

    @Test
    void otherLayouts_readDottedPaths() {
        DlqDecoder other =
                new DlqDecoder(DlqFields.eventLog().withEventId("meta.id").withTime("failed_at"));
        Document d = good().append("meta", new Document("id", "E-9")).append("failed_at", Date.from(T.plusSeconds(5)));
        DlqRecord<BsonDocument> r = other.decode(raw(d));
        assertThat(r.position()).isEqualTo("E-9");
        assertThat(r.timestamp()).isEqualTo(T.plusSeconds(5));
        assertThat(DlqDecoder.group("   ")).isNull();
        assertThat(DlqDecoder.group("x".repeat(100))).hasSize(83);
    }

    @Test
    void fieldsAndFilters_refuseWhatCannotWork() {
        assertThatThrownBy(() -> DlqFields.eventLog().withEventId("$where"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DlqFields.eventLog().withTime("event_id"))
                .hasMessageContaining("field names must differ");
        assertThatThrownBy(() -> DlqFields.eventLog().withStatuses("status", "dlq", "dlq", "done", "parked"))
                .hasMessageContaining("four statuses must be distinct");
        assertThatThrownBy(() -> new DlqFilter(java.util.Set.of(""), null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
