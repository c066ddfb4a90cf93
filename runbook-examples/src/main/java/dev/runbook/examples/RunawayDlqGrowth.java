package dev.runbook.examples;

import static dev.runbook.core.Conditions.above;
import static dev.runbook.core.Conditions.zero;

import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.k8s.K8sActions;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.ReplayDlq;

/**
 * Seed 004 scenario 5 "Runaway DLQ Growth" (SEV-2) as code: check that the DLQ holds records of the
 * systematic error class, pause event ingestion (scale {@code event-ingester} to 0), have the
 * configuration fix confirmed, bulk-replay the DLQ records of that error class only (the exception class
 * header: Spring Kafka's {@code kafka_dlt-exception-fqcn} or Kafka Connect's
 * {@code __connect.errors.exception.class.name}), verify none of them is left, and tell the team.
 *
 * <pre>{@code
 * Runbook rb = RunawayDlqGrowth.runbook(kafka, k8s, "com.xact.pipeline.DomainNotAllowedException");
 * }</pre>
 *
 * <p>Records of other error classes stay in the DLQ. Ingestion is resumed by a person once the DLQ stops
 * growing (the seed says "if necessary"; the last step says so).
 */
public final class RunawayDlqGrowth {
    /** The seed's namespace. */
    public static final String NAMESPACE = "kafka-pipeline";

    /** The seed's ingestion deployment. */
    public static final String INGESTER = "event-ingester";

    /** The pipeline's DLQ topic (the seed reads it through its own {@code dlq.cli}). */
    public static final String DLQ = "xact.downloads.dlq";

    private RunawayDlqGrowth() {}

    /** The runbook with the seed's namespace, ingester and DLQ, for records failed with {@code errorClass}. */
    public static Runbook runbook(KafkaActions kafka, K8sActions k8s, String errorClass) {
        return runbook(kafka, k8s, NAMESPACE, INGESTER, DLQ, errorClass);
    }

    /**
     * The runbook for any pipeline.
     *
     * @param namespace the ingester's namespace
     * @param ingester the Deployment that feeds the pipeline, paused during the replay
     * @param dlq the DLQ topic
     * @param errorClass the fully qualified exception class of the systematic failure
     * @throws IllegalArgumentException for a blank error class
     */
    public static Runbook runbook(
            KafkaActions kafka, K8sActions k8s, String namespace, String ingester, String dlq, String errorClass) {
        if (errorClass == null || errorClass.isBlank()) {
            throw new IllegalArgumentException(
                    "name the error class to replay, such as 'java.net.SocketTimeoutException'");
        }
        ReplayDlq replay = kafka.replayDlq(
                dlq, ReplaySelection.builder().exception(errorClass).build());
        String simple = errorClass.substring(errorClass.lastIndexOf('.') + 1);
        Probe<Long> toReplay = DlqFlood.toReplay(replay, "records of " + dlq + " failed with " + simple);
        return Runbook.builder("DLQ-GROWTH", "Runaway DLQ growth: replay " + simple + " from " + dlq)
                .severity(Severity.SEV2)
                .service(namespace)
                .link("seeds/004 Scenario 5: Runaway DLQ Growth, Resolution")
                .precheck("the DLQ holds " + simple + " records", toReplay, above(0))
                .id("dlq-has-error-class")
                .step("pause " + ingester, k8s.scaleDeployment(namespace, ingester, 0))
                .id("pause-ingestion")
                .manual(
                        "fix and deploy the configuration",
                        "Fix the pipeline configuration behind " + simple + " (e.g. the domain allowlist), deploy"
                                + " it, or contact the source system's team; confirm when deployed")
                .id("fix-deployed")
                .step("replay the " + simple + " records", replay)
                .id("replay-error-class")
                .verify("no " + simple + " record is left", toReplay, zero())
                .id("error-class-drained")
                .manual(
                        "tell the team",
                        "Post in the incident channel how many " + simple + " records were replayed; resume "
                                + ingester + " (kubectl scale deployment " + ingester + " -n " + namespace
                                + ") once the DLQ stops growing")
                .id("tell-the-team")
                .build();
    }
}
