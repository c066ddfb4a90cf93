package dev.runbook.examples;

import static dev.runbook.core.Conditions.above;
import static dev.runbook.core.Conditions.zero;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.ReplayDlq;

/**
 * Seed 002 "High DLQ Size" (the flash-sale processor's DLQ flood) as code: check that the DLQ holds more
 * than the alert's 100 records to replay, have a person confirm the cause is fixed (the seed's failure
 * patterns: payment timeout, Redis failure, invalid order format), replay {@code orders-dlq} into its
 * original topic exactly once (records replayed 3 times already are parked), verify nothing is left to
 * replay, and tell the team.
 *
 * <pre>{@code
 * Runbook rb = DlqFlood.runbook(KafkaActions.connect("redpanda:9092"));
 * }</pre>
 */
public final class DlqFlood {
    /** The seed's DLQ topic ({@code rpk topic consume orders-dlq}). */
    public static final String DLQ = "orders-dlq";

    /** The processor's topic, where the records came from. */
    public static final String ORIGIN = "orders";

    /** The alert: {@code processor_dlq_size > 100}. */
    public static final long ALERT_SIZE = 100;

    /** Where records that failed {@link ReplaySelection#DEFAULT_MAX_ATTEMPTS} replays go. */
    public static final String PARKING = "orders-dlq-parking";

    private DlqFlood() {}

    /** The runbook with the seed's values: {@code orders-dlq} into {@code orders}, alert above 100. */
    public static Runbook runbook(KafkaActions kafka) {
        return runbook(kafka, DLQ, ORIGIN, ALERT_SIZE, PARKING);
    }

    /**
     * The runbook for any DLQ topic.
     *
     * @param dlq the DLQ topic
     * @param origin the original topic of the records to replay (records from other topics stay)
     * @param alertSize how many records to replay make it a flood
     * @param parking where records replayed too often go instead
     * @throws IllegalArgumentException for a negative alert size
     */
    public static Runbook runbook(KafkaActions kafka, String dlq, String origin, long alertSize, String parking) {
        if (alertSize < 0) {
            throw new IllegalArgumentException("alertSize must be >= 0, was " + alertSize);
        }
        ReplayDlq replay = kafka.replayDlq(
                dlq,
                ReplaySelection.builder()
                        .originalTopic(origin)
                        .maxAttempts(ReplaySelection.DEFAULT_MAX_ATTEMPTS)
                        .parkingTarget(parking)
                        .build());
        Probe<Long> toReplay = toReplay(replay, "records of " + dlq + " from " + origin + " to replay");
        return Runbook.builder("DLQ-FLOOD", "DLQ flood: replay " + dlq)
                .severity(Severity.SEV3)
                .service("processor")
                .link("seeds/002 Issue: High DLQ Size (Diagnosis, Resolution); Data Corruption step 4")
                .precheck("more than " + alertSize + " records to replay", toReplay, above(alertSize))
                .id("dlq-flooded")
                .manual(
                        "confirm the cause is fixed",
                        "From the DLQ headers, name the failure pattern: payment timeouts (expected, 10%), a Redis"
                                + " failure (check Redis health), invalid order format (check the gateway); confirm"
                                + " it is fixed, or the replay fills the DLQ again")
                .id("cause-fixed")
                .step("replay " + dlq + " into " + origin, replay)
                .id("replay-dlq")
                .verify("nothing is left to replay", toReplay, zero())
                .id("dlq-drained")
                .manual(
                        "tell the team",
                        "Post in the incident channel how many records were replayed and parked (the report's"
                                + " counts); watch processor_dlq_size stay under " + alertSize)
                .id("tell-the-team")
                .build();
    }

    /** What a dry run of {@code replay} would send: its {@code messages} blast radius, 0 when nothing is left. */
    static Probe<Long> toReplay(ReplayDlq replay, String name) {
        return Probe.of(name, replay.endpoint().orElse(null), () -> replay.plan(ActionContext.standalone())
                .blastRadius()
                .getOrDefault("messages", 0L));
    }
}
