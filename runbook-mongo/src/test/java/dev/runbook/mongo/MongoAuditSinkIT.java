package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Conditions;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MongoAuditSinkIT {
    final TestMongo mongo = TestMongo.shared();
    final MongoActions actions = mongo.actions("smp");
    String name;
    MongoCollection<Document> records;

    @BeforeEach
    void name() {
        name = TestMongo.uniqueCollection("runbook_audit");
        records = mongo.client.getDatabase("smp").getCollection(name);
    }

    static void run(MongoAuditSink sink) {
        Runbook rb = Runbook.builder("INC-002", "payment webhook DLQ")
                .precheck("dlq has events", Probe.of("depth", () -> 3L), Conditions.atLeast(1L))
                .manual("tell", "post in #oncall")
                .build();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(sink)
                .approvals(ApprovalGate.approveAll("alice", "ok"))
                .build();
        engine.apply(rb, engine.plan(rb));
    }

    @Test
    void aRunsRecords_areChainedInTheCollection_andVerifyWithTheCoreVerifier() {
        MongoAuditSink sink = actions.auditSink(name);
        run(sink);
        assertThat(sink.size()).isGreaterThanOrEqualTo(6);
        List<JsonNode> chain = sink.verify(sink.head());
        assertThat(chain).hasSize((int) sink.size());
        Document first = records.find(Filters.eq("_id", 1L)).first();
        assertThat(first.getString("type")).isEqualTo("RUN_STARTED");
        assertThat(first.getString("prev")).isEqualTo("0".repeat(64));
        assertThat(first.getString("runbookId")).isEqualTo("INC-002");
        assertThat(first.getDate("time")).isNotNull();
        assertThat(records.countDocuments(Filters.eq("runbookId", "INC-002")))
                .as("the query fields are there to query")
                .isEqualTo(sink.size());

        MongoAuditSink reopened = actions.auditSink(name);
        assertThat(reopened.head()).isEqualTo(sink.head());
        run(reopened);
        assertThat(reopened.verify(reopened.head())).hasSize((int) reopened.size());
        assertThatThrownBy(() -> reopened.verify(sink.head()))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("records were appended after the head was taken");
    }

    @Test
    void tampering_isCaughtAndNamed_andATamperedChainCannotBeOpened() {
        MongoAuditSink sink = actions.auditSink(name);
        run(sink);
        String head = sink.head();

        String actor = records.find(Filters.eq("_id", 2L)).first().getString("actor");
        records.updateOne(Filters.eq("_id", 2L), Updates.set("actor", "mallory"));
        assertThatThrownBy(sink::verify)
                .isInstanceOf(AuditException.class)
                .hasMessageContaining(name + " record 2 (seq 2): its field 'actor' no longer agrees with its event");
        assertThatThrownBy(() -> actions.auditSink(name)).isInstanceOf(AuditException.class);
        records.updateOne(Filters.eq("_id", 2L), Updates.set("actor", actor));
        sink.verify(head);

        String text = records.find(Filters.eq("_id", 3L)).first().getString("event");
        String eventId = Document.parse(text).getString("eventId");
        records.updateOne(Filters.eq("_id", 3L), Updates.set("event", text.replace(eventId, "forged")));
        assertThatThrownBy(sink::verify).hasMessageContaining("record 3 (seq 3) was changed after it was written");
        records.updateOne(Filters.eq("_id", 3L), Updates.set("event", text));

        long last = sink.size();
        Document tail = records.find(Filters.eq("_id", last)).first();
        records.deleteOne(Filters.eq("_id", last));
        assertThat(sink.verify()).as("a shorter chain is valid by itself").hasSize((int) last - 1);
        assertThatThrownBy(() -> sink.verify(head)).hasMessageContaining("records were removed from its end");
        records.insertOne(tail);

        records.deleteOne(Filters.eq("_id", 2L));
        assertThatThrownBy(sink::verify).hasMessageContaining("has seq 3, expected 2");
    }

    @Test
    void twoWritersOnOneCollection_appendOneChain() throws Exception {
        MongoAuditSink a = actions.auditSink(name);
        MongoAuditSink b = actions.auditSink(name);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> writers = new ArrayList<>();
        for (MongoAuditSink sink : List.of(a, b)) {
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    sink.write(new AuditEvent(
                            UUID.randomUUID().toString(),
                            Instant.now(),
                            AuditEvent.Type.MANUAL_CONFIRMED,
                            null,
                            "run-" + (sink == a ? "a" : "b"),
                            "INC-002",
                            null,
                            "bot",
                            "s" + i,
                            null,
                            "note " + i,
                            null));
                }
                return null;
            }));
        }
        for (Future<?> f : writers) {
            f.get();
        }
        pool.shutdown();
        List<JsonNode> chain = actions.auditSink(name).verify();
        assertThat(chain).hasSize(100);
        assertThat(records.countDocuments(Filters.eq("runId", "run-a"))).isEqualTo(50);
    }

    @Test
    void aServerThatGoesAway_failsTheWrite_andTheSinkRefusesLaterOnes() {
        try (TestMongo own = TestMongo.start()) {
            MongoAuditSink sink = own.actions("smp").auditSink("runbook_audit");
            run(sink);
            own.stop();
            AuditEvent e = new AuditEvent(
                    "e1",
                    Instant.now(),
                    AuditEvent.Type.MANUAL_CONFIRMED,
                    null,
                    "r",
                    "INC-002",
                    null,
                    "bot",
                    "s",
                    null,
                    "note",
                    null);
            assertThatThrownBy(() -> sink.write(e))
                    .isInstanceOf(AuditException.class)
                    .hasMessageContaining("cannot append to mongodb 127.0.0.1:" + own.port() + "/smp.runbook_audit")
                    .hasMessageContaining("the run stops before its next change");
            own.restart();
            assertThatThrownBy(() -> sink.write(e))
                    .hasMessageContaining("refuses writes since an earlier write failed");
            assertThat(own.actions("smp").auditSink("runbook_audit").verify()).hasSize((int) sink.size());
        }
    }
}
