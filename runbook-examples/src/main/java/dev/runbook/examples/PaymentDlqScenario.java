package dev.runbook.examples;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.runbook.core.Runbook;
import dev.runbook.mongo.MongoActions;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The demo's INC-002: {@code smp.event_log} on a MongoDB wire-protocol server in this JVM
 * (mongo-java-server's in-memory backend: no real {@code mongod} can be installed here), seeded like the
 * incident (40 {@code inside.payment.succeeded} events in the DLQ with three errors, one already tried 3
 * times; 15 {@code inside.payment.failed} in the DLQ that are not this runbook's; 200 processed), and the
 * admin endpoint stand-in {@link AdminReplayService}; fixed by {@link PaymentWebhookDlq}.
 *
 * <pre>{@code
 * try (PaymentDlqScenario s = PaymentDlqScenario.start()) {
 *     Plan plan = engine.plan(s.runbook());
 *     s.statuses();   // {inside.payment.succeeded/dlq=40, ...}
 * }
 * }</pre>
 */
public final class PaymentDlqScenario implements DemoScenario {
    /** Payment events in the DLQ, of which one has been tried 3 times already (parked by the replay). */
    public static final int PAYMENTS = 40;

    private final MongoServer server;
    private final MongoClient client;
    private final MongoActions mongo;
    private final AdminReplayService admin;
    private final String staged;

    private PaymentDlqScenario(MongoServer server, AdminReplayService admin) {
        this.server = server;
        this.admin = admin;
        InetSocketAddress a = server.getLocalAddress();
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + a.getPort()))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(2, TimeUnit.SECONDS))
                .build());
        seed(events());
        this.mongo = MongoActions.of(client, "smp");
        this.staged =
                "MongoDB wire-protocol server 127.0.0.1:" + a.getPort() + " smp.event_log " + statuses() + "; " + admin;
    }

    /** Starts the in-memory MongoDB server and the admin endpoint stand-in, and seeds the DLQ. */
    public static PaymentDlqScenario start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        AdminReplayService admin = null;
        try {
            admin = AdminReplayService.start();
            return new PaymentDlqScenario(server, admin);
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            server.shutdownNow();
            throw e;
        }
    }

    /** The seeded collection. */
    public MongoCollection<Document> events() {
        return collection(PaymentWebhookDlq.COLLECTION);
    }

    /** A collection of database {@code smp}, for tests. */
    public MongoCollection<Document> collection(String name) {
        return client.getDatabase("smp").getCollection(name);
    }

    /** Seeds {@code event_log} as the incident left it. */
    public static void seed(MongoCollection<Document> events) {
        Instant t0 = Instant.parse("2026-12-06T19:42:00Z");
        String paid = PaymentWebhookDlq.EVENT_TYPE;
        List<Document> docs = new ArrayList<>();
        docs.addAll(events(1000, 20, paid, "order_id 88123 không tìm thấy", t0));
        docs.addAll(events(1020, 12, paid, "invalid signature", t0));
        docs.addAll(events(1032, 8, paid, "schema mismatch: amount is a string", t0));
        docs.get(5).append("replay", new Document("attempts", 1).append("last_error", "503 from inside"));
        docs.get(21).append("replay", new Document("attempts", 3));
        docs.addAll(events(2000, 15, "inside.payment.failed", "invalid signature", t0));
        List<Document> processed = events(3000, 200, paid, null, t0.minusSeconds(86_400));
        processed.forEach(d -> d.append("status", "processed"));
        docs.addAll(processed);
        events.insertMany(docs);
    }

    private static List<Document> events(int first, int n, String type, String error, Instant t0) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Document("event_id", "evt-" + (first + i))
                    .append("event_type", type)
                    .append("status", "dlq")
                    .append("error", error)
                    .append("created_at", Date.from(t0.plusSeconds(i)))
                    .append("payload", new Document("order_id", "ord-" + (first + i)).append("amount", 1000 + i)));
        }
        return out;
    }

    /** Events per {@code event_type/status}, read from the server. */
    public Map<String, Integer> statuses() {
        Map<String, Integer> m = new TreeMap<>();
        for (Document d : events().find()) {
            m.merge(d.getString("event_type") + "/" + d.getString("status"), 1, Integer::sum);
        }
        return m;
    }

    /** The admin endpoint stand-in. */
    public AdminReplayService admin() {
        return admin;
    }

    /** The database, for tests. */
    public MongoActions mongo() {
        return mongo;
    }

    @Override
    public String staged() {
        return staged;
    }

    @Override
    public Runbook runbook() {
        return PaymentWebhookDlq.runbook(mongo, admin.endpoint());
    }

    @Override
    public String observe() {
        return "smp.event_log " + statuses() + "; the admin endpoint received "
                + admin.received().size() + " requests for " + admin.processed().size() + " events";
    }

    @Override
    public boolean fixed() {
        Map<String, Integer> s = statuses();
        String paid = PaymentWebhookDlq.EVENT_TYPE;
        return !s.containsKey(paid + "/dlq")
                && s.getOrDefault(paid + "/replayed", 0) == PAYMENTS - 1
                && s.getOrDefault(paid + "/parked", 0) == 1
                && s.getOrDefault("inside.payment.failed/dlq", 0) == 15
                && admin.processed().size() == PAYMENTS - 1;
    }

    @Override
    public void close() {
        try {
            mongo.close();
            client.close();
            admin.close();
        } finally {
            server.shutdownNow();
        }
    }
}
