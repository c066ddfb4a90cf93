package dev.runbook.examples;

import static dev.runbook.core.Conditions.equalTo;

import dev.runbook.core.Condition;
import dev.runbook.core.Conditions;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.k8s.K8sActions;
import dev.runbook.kafka.ConsumerLag;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.PartitionLag;
import java.time.Duration;
import java.util.Map;

/**
 * Seed runbook INC-007 "Consumer lag spike", scenarios 3 and 4, as code: check that the group lags and is
 * stuck at the poison message, stop the consumers, skip that one offset on that one partition, start
 * the consumers again (never more than the topic has partitions: the bound is read from Kafka, and a
 * count above it is refused, not clamped), wait until the lag has fallen, verify the partition moved
 * past the poison message, and tell the team.
 *
 * <pre>{@code
 * try (KafkaActions kafka = KafkaActions.connect("kafka-0.smp.local:9092");
 *         K8sActions k8s = K8sActions.connect("smp-asia")) {
 *     Runbook rb = ConsumerLagPoisonMessage.runbook(kafka, k8s, 15234);   // orders.events:0@15234 is poison
 *     Plan plan = engine.plan(rb);
 * }
 * }</pre>
 *
 * <p>The consumers are stopped first because Kafka resets a group's offsets only while it has no member
 * ({@code kafka-consumer-groups --reset-offsets} refuses too); the runbook waits until the group is
 * {@code Empty} before it writes.
 */
public final class ConsumerLagPoisonMessage {
    /** The seed's namespace. */
    public static final String NAMESPACE = "smp-prod";

    /** The seed's consumer deployment and consumer group ({@code --group dispatch-engine}). */
    public static final String CONSUMER = "dispatch-engine";

    /** The seed's topic ({@code --topic orders.events:0}). */
    public static final String TOPIC = "orders.events";

    /** The seed's partition of the poison message ({@code orders.events:0}). */
    public static final int PARTITION = 0;

    /** The seed's scale-up ({@code kubectl scale deployment dispatch-engine --replicas=6}). */
    public static final int CONSUMERS = 6;

    /** The alert: {@code kafka_consumergroup_lag{group="dispatch-engine"} > 10000}. */
    public static final long ALERT_LAG = 10_000;

    /** Resolved when the lag is below 1,000 messages. */
    public static final long RESOLVED_LAG = 1_000;

    private ConsumerLagPoisonMessage() {}

    /**
     * The runbook with the seed's values: group and deployment {@code dispatch-engine} in {@code smp-prod},
     * poison message on {@code orders.events:0}, 6 consumers, alert above 10,000, resolved below 1,000,
     * 10 minutes to drain.
     *
     * @param poisonOffset the offset of the message that fails every time (the skip commits the next one)
     */
    public static Runbook runbook(KafkaActions kafka, K8sActions k8s, long poisonOffset) {
        return runbook(
                kafka,
                k8s,
                NAMESPACE,
                CONSUMER,
                CONSUMER,
                TOPIC,
                PARTITION,
                poisonOffset,
                CONSUMERS,
                ALERT_LAG,
                RESOLVED_LAG,
                Duration.ofMinutes(10));
    }

    /**
     * The runbook for any consumer deployment and group.
     *
     * @param kafka the cluster the group reads
     * @param k8s the cluster the consumers run in
     * @param namespace the consumers' namespace, such as {@code smp-prod}
     * @param deployment the consumers' Deployment, such as {@code dispatch-engine}
     * @param group the consumer group, such as {@code dispatch-engine}
     * @param topic the topic of the poison message, such as {@code orders.events}
     * @param partition its partition
     * @param poisonOffset its offset: the group is stuck there, the skip commits {@code poisonOffset + 1}
     * @param consumers how many consumers to start afterwards: at most the topic's partition count
     * @param alertLag total lag above which the runbook applies
     * @param resolvedLag total lag below which the incident is resolved
     * @param drainTimeout how long the lag may take to fall below {@code resolvedLag}
     * @throws IllegalArgumentException for a negative offset or partition, fewer than 1 consumer, or
     *     thresholds not {@code 0 <= resolvedLag < alertLag}
     */
    public static Runbook runbook(
            KafkaActions kafka,
            K8sActions k8s,
            String namespace,
            String deployment,
            String group,
            String topic,
            int partition,
            long poisonOffset,
            int consumers,
            long alertLag,
            long resolvedLag,
            Duration drainTimeout) {
        if (partition < 0 || poisonOffset < 0) {
            throw new IllegalArgumentException(
                    "need partition >= 0 and poisonOffset >= 0, was " + topic + ":" + partition + "@" + poisonOffset);
        }
        if (consumers < 1) {
            throw new IllegalArgumentException("start at least 1 consumer, was " + consumers);
        }
        if (!(resolvedLag >= 0 && resolvedLag < alertLag)) {
            throw new IllegalArgumentException(
                    "need 0 <= resolvedLag < alertLag, was resolved " + resolvedLag + ", alert " + alertLag);
        }
        String at = topic + ":" + partition + "@" + poisonOffset;
        Probe<ConsumerLag> lag = kafka.consumerLag(group);
        Probe<Long> totalLag = lag.map("total lag of group '" + group + "'", ConsumerLag::total);
        Probe<Long> committed = lag.map(
                "committed offset of group '" + group + "' on " + topic + ":" + partition,
                l -> committedOn(l, topic, partition));
        Probe<Integer> partitions = partitionCount(kafka, topic);
        return Runbook.builder("INC-007", "Consumer lag spike: skip a poison message")
                .severity(Severity.SEV2)
                .service(deployment)
                .link("seeds/000 INC-007: Triage, Mitigation scenarios 3 (scale up) and 4 (poison message), Resolve")
                .precheck("lag of " + group + " is above " + alertLag, totalLag, Conditions.above(alertLag))
                .id("lag-above-alert")
                .precheck(
                        group + " is stuck at " + at,
                        committed,
                        Condition.of("== " + poisonOffset, c -> c != null && c == poisonOffset))
                .id("stuck-at-poison-message")
                .precheck(
                        consumers + " consumers fit in the partitions of " + topic,
                        partitions,
                        Condition.of(">= " + consumers + " (extra consumers idle)", n -> n >= consumers))
                .id("consumers-fit-partitions")
                .step("stop the consumers", k8s.scaleDeployment(namespace, deployment, 0))
                .id("stop-consumers")
                .waitUntil(
                        "group " + group + " is empty",
                        kafka.groupState(group),
                        equalTo("Empty"),
                        Duration.ofMinutes(2))
                .id("group-empty")
                .step(
                        "skip the poison message " + at,
                        kafka.resetOffsets(group)
                                .partitions(topic, partition)
                                .afterConsumersStop() // planned now, written once the step above has stopped them
                                .toOffset(poisonOffset + 1))
                .id("skip-poison-message")
                .step(
                        "start " + consumers + " consumers",
                        k8s.scaleDeployment(namespace, deployment, consumers)
                                .afterScaleTo(0)
                                .atMost(partitions))
                .id("start-consumers")
                .waitUntil("lag is below " + resolvedLag, totalLag, Conditions.below(resolvedLag), drainTimeout)
                .id("lag-below-resolved")
                .verify(
                        topic + ":" + partition + " is past the poison message",
                        committed,
                        Condition.of("> " + poisonOffset, c -> c != null && c > poisonOffset))
                .id("past-poison-message")
                .manual(
                        "tell the team",
                        "Post in #infra-alerts that " + group + " skipped " + at + " and its lag is below "
                                + resolvedLag + "; attach the skipped message from " + topic
                                + ".dlq to the ticket and check that no DLQ message is accumulating")
                .build();
    }

    /** The partition count of {@code topic}, read from Kafka: the bound on the consumer count. */
    static Probe<Integer> partitionCount(KafkaActions kafka, String topic) {
        return kafka.endOffsets(topic).map("partitions of " + topic, Map::size);
    }

    private static Long committedOn(ConsumerLag lag, String topic, int partition) {
        return lag.partitions().stream()
                .filter(p -> p.topic().equals(topic) && p.partition() == partition)
                .map(PartitionLag::committed)
                .findFirst()
                .orElse(null);
    }
}
