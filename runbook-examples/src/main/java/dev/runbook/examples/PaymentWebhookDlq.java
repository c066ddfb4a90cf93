package dev.runbook.examples;

import static dev.runbook.core.Conditions.above;
import static dev.runbook.core.Conditions.zero;

import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.core.http.HttpReplayEndpoint;
import dev.runbook.mongo.MongoActions;
import dev.runbook.mongo.ReplayDlq;
import org.bson.Document;

/**
 * Seed runbook INC-002 "Payment webhook failed" as code: check the payment events in the MongoDB DLQ
 * ({@code db.event_log.countDocuments({status: "dlq", event_type: ...})}), tell the team, replay them through
 * the admin endpoint ({@code POST /admin/events/$eid/replay}, option A) one compare-and-set per event
 * (claimed, sent with an Idempotency-Key, marked replayed; events already tried {@code maxAttempts} times are
 * parked), verify the DLQ drained, and hand the parked ones to Finance (option B).
 *
 * <pre>{@code
 * HttpReplayEndpoint admin = Http.replayEndpoint("https://api.smp.vn/admin/events/{id}/replay")
 *     .header("Authorization", Secret.of("Bearer " + System.getenv("ADMIN_TOKEN"))).build();
 * try (MongoActions mongo = MongoActions.connect(System.getenv("MONGO_URI"), "smp")) {
 *     Runbook rb = PaymentWebhookDlq.runbook(mongo, admin);
 * }
 * }</pre>
 */
public final class PaymentWebhookDlq {
    /** The seed's collection. */
    public static final String COLLECTION = "event_log";

    /** The seed's event type. */
    public static final String EVENT_TYPE = "inside.payment.succeeded";

    /** Events already replayed this many times are parked, not sent again. */
    public static final int MAX_ATTEMPTS = 3;

    /** Replays per second at most: the admin endpoint is the production API. */
    public static final double MAX_RATE = 50;

    private PaymentWebhookDlq() {}

    /** The runbook with the seed's values ({@code event_log}, {@code inside.payment.succeeded}, 3 attempts, 50/s). */
    public static Runbook runbook(MongoActions mongo, HttpReplayEndpoint admin) {
        return runbook(mongo, admin, COLLECTION, EVENT_TYPE, MAX_ATTEMPTS, MAX_RATE);
    }

    /**
     * The runbook for one DLQ collection and event type.
     *
     * @param mongo the database holding the collection
     * @param admin the admin replay endpoint, such as {@code https://api.smp.vn/admin/events/{id}/replay}
     * @param collection the DLQ collection, such as {@code event_log}
     * @param eventType the event type to replay, such as {@code inside.payment.succeeded}
     * @param maxAttempts events already replayed this many times are parked
     * @param maxRate replays per second at most (0: no limit)
     * @throws IllegalArgumentException for a blank collection or event type, {@code maxAttempts < 1} or a
     *     negative rate
     */
    public static Runbook runbook(
            MongoActions mongo,
            HttpReplayEndpoint admin,
            String collection,
            String eventType,
            int maxAttempts,
            double maxRate) {
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException("collection is missing, such as '" + COLLECTION + "'");
        }
        if (eventType == null || eventType.isBlank()) {
            throw new IllegalArgumentException(
                    "eventType is missing, such as '" + EVENT_TYPE + "' (replaying every type is a different runbook)");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 (the seed's is 3), was " + maxAttempts);
        }
        if (maxRate < 0) {
            throw new IllegalArgumentException("maxRate must be >= 0 (0: no limit), was " + maxRate);
        }
        Probe<Long> depth = mongo.dlqDepth(collection, eventType);
        ReplayDlq replay = mongo.replayDlq(collection)
                .eventType(eventType)
                .maxAttempts(maxAttempts)
                .maxRate(maxRate)
                .to(admin);
        return Runbook.builder("INC-002", "Payment webhook failed")
                .severity(Severity.SEV1)
                .service("integration-svc")
                .link("seeds/000 INC-002: Detect, Triage (case 2), Mitigate (options A and B), Communicate, Resolve")
                .precheck(eventType + " events wait in the DLQ", depth, above(0))
                .id("payments-wait-in-the-dlq")
                .manual(
                        "tell the team",
                        "Slack #prod-alerts now; the inside team in 'SMP × inside'; status page component Payments ->"
                                + " Degraded; in-app: 'Thanh toán đang xác nhận, mời đợi 5 phút'")
                .step("replay the DLQ to the admin endpoint", replay)
                .verify("the payment DLQ is drained", depth, zero())
                .verify(
                        "no event is left claimed",
                        mongo.count(collection, new Document("status", "replaying").append("event_type", eventType)),
                        zero())
                .manual(
                        "reconcile the parked events and resolve",
                        "Ops Finance: for each event parked in " + collection + " (status 'parked'), check the"
                                + " payment in inside and mark the order paid in the admin UI; check that orders"
                                + " with payment_status 'pending' moved; status page Payments -> Operational;"
                                + " post-mortem")
                .build();
    }
}
