package dev.runbook.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The servers of the INC-002 JShell session ({@code bench/inc002.sh}): mongo-java-server with {@code
 * smp.event_log} seeded like the incident, and a stand-in for integration-svc's admin endpoint {@code POST
 * /admin/events/{id}/replay} (bearer token, deduplicates by Idempotency-Key). Prints {@code MONGO=... ADMIN=...}
 * and serves until its standard input closes; then prints what the endpoint received.
 */
public final class Inc002Servers {
    private Inc002Servers() {}

    public static void main(String[] args) throws Exception {
        try (TestMongo mongo = TestMongo.start();
                AdminEndpoint admin = new AdminEndpoint()) {
            seed(mongo);
            System.out.println(
                    "MONGO=" + mongo.uri() + " ADMIN=" + admin.template().replace("/admin/events/{id}/replay", ""));
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the script closes our input
            }
            System.out.println("endpoint: " + admin.requests.size() + " requests, " + admin.processed.size()
                    + " events processed once each");
        }
    }

    static void seed(TestMongo mongo) {
        Instant t0 = Instant.parse("2026-12-06T19:42:00Z");
        List<Document> docs = new ArrayList<>();
        String paid = "inside.payment.succeeded";
        docs.addAll(TestMongo.events(1000, 20, paid, "order_id 88123 không tìm thấy", t0));
        docs.addAll(TestMongo.events(1020, 12, paid, "invalid signature", t0));
        docs.addAll(TestMongo.events(1032, 8, paid, "schema mismatch: amount is a string", t0));
        docs.get(5).append("replay", new Document("attempts", 1).append("last_error", "503 from inside"));
        docs.get(21).append("replay", new Document("attempts", 3));
        docs.addAll(TestMongo.events(2000, 15, "inside.payment.failed", "invalid signature", t0));
        List<Document> processed = TestMongo.events(3000, 200, paid, null, t0.minusSeconds(86_400));
        processed.forEach(d -> d.append("status", "processed"));
        docs.addAll(processed);
        docs.forEach(d -> d.append("received_at", Date.from(t0)));
        mongo.client.getDatabase("smp").getCollection("event_log").insertMany(docs);
    }
}
