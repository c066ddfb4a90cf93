package dev.runbook.examples;

import static dev.runbook.core.Conditions.atLeast;
import static dev.runbook.core.Conditions.zero;

import dev.runbook.core.Condition;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.k8s.K8sActions;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.PartitionHealth;
import java.time.Duration;

/**
 * Seed runbook INC-006 "Kafka broker down", scenario 2, as code: check that partitions are
 * under-replicated or offline, restart the {@code kafka} StatefulSet ({@code kubectl rollout restart
 * statefulset/kafka}, one broker at a time, waiting for each), wait until no partition is under-replicated
 * or offline, verify every broker is back, and tell the team not to deploy until then.
 *
 * <pre>{@code
 * try (KafkaActions kafka = KafkaActions.connect("kafka-0.smp.local:9092");
 *         K8sActions k8s = K8sActions.connect("smp-asia")) {
 *     Plan plan = engine.plan(KafkaBrokerDown.runbook(kafka, k8s));
 * }
 * }</pre>
 *
 * <p>Scenario 3 (every broker down) is a SEV-1 with its own DR runbook; this one needs a cluster that
 * answers at all, which the prechecks read.
 */
public final class KafkaBrokerDown {
    /** The seed's namespace. */
    public static final String NAMESPACE = "smp-prod";

    /** The seed's StatefulSet ({@code statefulset/kafka}). */
    public static final String STATEFUL_SET = "kafka";

    /** The seed's broker count (replication factor 3, min ISR 2). */
    public static final int BROKERS = 3;

    private KafkaBrokerDown() {}

    /** The runbook with the seed's values: {@code smp-prod/kafka}, 3 brokers, 15 minutes to recover. */
    public static Runbook runbook(KafkaActions kafka, K8sActions k8s) {
        return runbook(kafka, k8s, NAMESPACE, STATEFUL_SET, BROKERS, Duration.ofMinutes(15));
    }

    /**
     * The runbook for the brokers of StatefulSet {@code namespace/statefulSet}.
     *
     * @param kafka the cluster whose partitions are read
     * @param k8s the cluster the brokers run in
     * @param namespace the namespace, such as {@code smp-prod}
     * @param statefulSet the brokers' StatefulSet, such as {@code kafka}
     * @param brokers how many brokers make the cluster whole
     * @param recoveryTimeout how long the partitions may take to be fully replicated after the restart
     * @throws IllegalArgumentException for fewer than 1 broker or a timeout that is not positive
     */
    public static Runbook runbook(
            KafkaActions kafka,
            K8sActions k8s,
            String namespace,
            String statefulSet,
            int brokers,
            Duration recoveryTimeout) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster has at least 1 broker, was " + brokers);
        }
        if (recoveryTimeout.isNegative() || recoveryTimeout.isZero()) {
            throw new IllegalArgumentException("the recovery timeout must be > 0, was " + recoveryTimeout);
        }
        Condition<PartitionHealth> healthy =
                Condition.of("no under-replicated or offline partition", PartitionHealth::healthy);
        return Runbook.builder("INC-006", "Kafka broker down")
                .severity(Severity.SEV2)
                .service("kafka")
                .link("seeds/000 INC-006: Triage (under-replicated partitions), Mitigation scenario 2, Resolve")
                .precheck(
                        "partitions are under-replicated or offline",
                        kafka.partitionHealth(),
                        Condition.of("under-replicated or offline partitions", (PartitionHealth h) -> !h.healthy()))
                .id("partitions-unhealthy")
                .step("restart the " + statefulSet + " StatefulSet", k8s.restartStatefulSet(namespace, statefulSet))
                .id("restart-brokers")
                .waitUntil("every partition is fully replicated", kafka.partitionHealth(), healthy, recoveryTimeout)
                .id("partitions-healthy")
                .verify("no partition is under-replicated", kafka.underReplicatedPartitions(), zero())
                .id("urp-zero")
                .verify(brokers + " brokers are up", kafka.brokerCount(), atLeast(brokers))
                .id("brokers-up")
                .manual(
                        "tell the team",
                        "Post in #infra-alerts that every broker of " + namespace + "/" + statefulSet
                                + " is back and under_replicated_partitions is 0; lift the deploy freeze; check"
                                + " that consumer lag is back under 1,000")
                .id("tell-the-team")
                .build();
    }
}
