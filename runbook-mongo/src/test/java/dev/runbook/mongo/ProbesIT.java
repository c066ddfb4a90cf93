package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.runbook.core.Probe;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class ProbesIT {
    final TestMongo mongo = TestMongo.shared();

    @Test
    void dlqDepth_countsDlqEventsByType_andCountTakesAnyFilter() {
        String name = TestMongo.uniqueCollection("depth_log");
        MongoCollection<Document> events = mongo.client.getDatabase("smp").getCollection(name);
        Instant t0 = Instant.parse("2026-12-01T08:00:00Z");
        events.insertMany(TestMongo.events(0, 7, "inside.payment.succeeded", "timeout", t0));
        events.insertMany(TestMongo.events(100, 3, "inside.refund.created", "timeout", t0));
        events.updateOne(Filters.eq("event_id", "evt-0"), new Document("$set", new Document("status", "replayed")));
        MongoActions actions = mongo.actions("smp");
        Probe<Long> paid = actions.dlqDepth(name, "inside.payment.succeeded");
        assertThat(paid.read()).isEqualTo(6);
        assertThat(paid.name())
                .isEqualTo("mongodb 127.0.0.1:" + mongo.port() + "/smp." + name
                        + " countDocuments({\"status\": \"dlq\", \"event_type\": \"inside.payment.succeeded\"})");
        assertThat(actions.dlqDepth(name).read()).isEqualTo(9);
        assertThat(actions.dlqDepth(name, "inside.refund.created", "inside.payment.succeeded")
                        .read())
                .isEqualTo(9);
        assertThat(actions.dlqDepth(name, "no.such.type").read()).isZero();
        assertThat(actions.count(name, Filters.eq("status", "replayed")).read()).isEqualTo(1);
        assertThat(actions.dlqDepth(name, DlqFields.eventLog().withStatuses("status", "replayed", "r", "x", "p"))
                        .read())
                .isEqualTo(1);
    }

    @Test
    void aServerThatIsNotThere_isATargetUnavailableNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (MongoActions nowhere = MongoActions.of(TestMongo.client(port), "smp")) {
            assertThatThrownBy(() -> nowhere.dlqDepth("event_log").read())
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("mongodb 127.0.0.1:" + port + "/smp")
                    .hasMessageContaining("is the server up and reachable?");
        }
    }

    @Test
    void connect_parsesTheUri_neverPrintsThePassword_andClosesItsOwnClient() {
        try (MongoActions a = MongoActions.connect("mongodb://ops:hunter2@127.0.0.1:" + mongo.port(), "smp")) {
            assertThat(a.name()).isEqualTo("mongodb 127.0.0.1:" + mongo.port() + "/smp");
            assertThat(a.toString()).doesNotContain("hunter2");
        }
        assertThatThrownBy(() -> MongoActions.connect("http://x", "smp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MongoActions.of(mongo.client, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
