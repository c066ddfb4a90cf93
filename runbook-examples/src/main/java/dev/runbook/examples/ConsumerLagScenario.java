package dev.runbook.examples;

import dev.runbook.core.Runbook;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.ConsumerLag;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.test.KafkaTestCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo's INC-007: an in-process Kafka broker with topic {@code orders.events} (12 partitions) and
 * group {@code dispatch-engine}, whose consumers run as the Deployment {@code smp-prod/dispatch-engine}
 * (2 replicas) of a simulated cluster, played by real consumers ({@link ConsumerFleet}). A poison
 * message on partition 0 fails every time, and 12,000 messages pile up behind it: the group lags above
 * the seed's alert of 10,000. Fixed by {@link ConsumerLagPoisonMessage}.
 *
 * <pre>{@code
 * try (ConsumerLagScenario s = ConsumerLagScenario.start()) {
 *     Plan plan = engine.plan(s.runbook());
 *     s.lag().total();   // read from the broker
 * }
 * }</pre>
 */
public final class ConsumerLagScenario implements DemoScenario {
    /** The topic's partition count, the bound on the consumers. */
    public static final int PARTITIONS = 12;

    /** Messages behind the poison one on partition 0. */
    public static final int BEHIND = 12_000;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CONTEXT = "smp-asia";

    private final KafkaTestCluster broker;
    private final SimulatedCluster cluster;
    private final String topic;
    private final String group;
    private final KafkaActions kafka;
    private final K8sActions k8s;
    private final ConsumerFleet fleet;
    private final long poisonOffset;
    private final ConsumerLag stagedLag;
    private final String timings;

    private ConsumerLagScenario(KafkaTestCluster broker, SimulatedCluster cluster) {
        this.broker = broker;
        this.cluster = cluster;
        // the broker is shared by the tests of one JVM: plain names when they are free
        Set<String> topics = KafkaTestCluster.await(broker.admin().listTopics().names());
        boolean fresh = !topics.contains(ConsumerLagPoisonMessage.TOPIC);
        this.topic = fresh ? ConsumerLagPoisonMessage.TOPIC : KafkaTestCluster.unique(ConsumerLagPoisonMessage.TOPIC);
        this.group =
                fresh ? ConsumerLagPoisonMessage.CONSUMER : KafkaTestCluster.unique(ConsumerLagPoisonMessage.CONSUMER);
        long t0 = System.nanoTime();
        broker.createTopic(topic, PARTITIONS);
        this.kafka = KafkaActions.connect(broker.bootstrapServers());
        this.k8s = K8sActions.of(cluster.client(), CONTEXT);
        cluster.createDeployment(ConsumerLagPoisonMessage.NAMESPACE, ConsumerLagPoisonMessage.CONSUMER, 2);
        long t1 = System.nanoTime();
        this.poisonOffset = produce();
        long t2 = System.nanoTime();
        this.fleet = ConsumerFleet.start(
                cluster.client(),
                ConsumerLagPoisonMessage.NAMESPACE,
                ConsumerLagPoisonMessage.CONSUMER,
                broker.bootstrapServers(),
                group,
                topic);
        awaitStuck();
        this.stagedLag = lag();
        this.timings = String.format(
                Locale.ROOT,
                "topic and deployment %.1f s, %,d messages %.1f s, consumers stuck %.1f s",
                (t1 - t0) / 1e9,
                100 * PARTITIONS + 1 + BEHIND,
                (t2 - t1) / 1e9,
                (System.nanoTime() - t2) / 1e9);
    }

    /**
     * Starts (or reuses) the in-process broker and a simulated cluster, stages the lag and the poison
     * message, and waits until the consumers are stuck on it.
     *
     * @throws IllegalStateException if the consumers do not reach the poison message within 60 s
     */
    public static ConsumerLagScenario start() {
        KafkaTestCluster broker = KafkaTestCluster.get();
        SimulatedCluster cluster = SimulatedCluster.start(CONTEXT);
        try {
            return new ConsumerLagScenario(broker, cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private long produce() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerConfig())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 100 * PARTITIONS; i++) { // processed before the incident
                sent.add(producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "order-" + i, event(i))));
            }
            Future<RecordMetadata> poison =
                    producer.send(new ProducerRecord<>(topic, 0, "order-poison", ConsumerFleet.POISON));
            for (int i = 0; i < BEHIND; i++) { // a hot partition: all behind the poison message
                sent.add(producer.send(new ProducerRecord<>(topic, 0, "order-h" + i, event(i))));
            }
            sent.forEach(KafkaTestCluster::await);
            return KafkaTestCluster.await(poison).offset();
        }
    }

    private static String event(int i) {
        return "{\"order\":" + i + ",\"type\":\"ASSIGNED\"}";
    }

    private void awaitStuck() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, Long> committed = broker.committed(group);
            Map<TopicPartition, Long> end = broker.endOffsets(topic);
            boolean othersDone = end.entrySet().stream()
                    .filter(e -> e.getKey().partition() != 0)
                    .allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
            if (othersDone
                    && Long.valueOf(poisonOffset).equals(committed.get(new TopicPartition(topic, 0)))
                    && fleet.poisonHits() > 0) {
                return;
            }
            KafkaTestCluster.sleep(100);
        }
        throw new IllegalStateException("the consumers of " + group + " did not get stuck at " + topic + ":0@"
                + poisonOffset + " within " + WAIT + "; committed " + broker.committed(group));
    }

    /** The group's lag now, read from the broker. */
    public ConsumerLag lag() {
        return kafka.consumerLag(group).read();
    }

    /** The lag as staged. */
    public ConsumerLag stagedLag() {
        return stagedLag;
    }

    /** The offset of the poison message on partition 0. */
    public long poisonOffset() {
        return poisonOffset;
    }

    /** The topic (plain {@code orders.events} unless another test of this JVM took it). */
    public String topic() {
        return topic;
    }

    /** The consumer group. */
    public String group() {
        return group;
    }

    /** The Kafka entry point the runbook uses. */
    public KafkaActions kafkaActions() {
        return kafka;
    }

    /** The Kubernetes entry point the runbook uses (context {@code smp-asia} of the simulated cluster). */
    public K8sActions k8sActions() {
        return k8s;
    }

    /** The simulated cluster the consumers run in. */
    public SimulatedCluster cluster() {
        return cluster;
    }

    /** The ready replicas of the consumer Deployment, read from the simulated API server. */
    public int readyConsumers() {
        Deployment d = cluster.client()
                .apps()
                .deployments()
                .inNamespace(ConsumerLagPoisonMessage.NAMESPACE)
                .withName(ConsumerLagPoisonMessage.CONSUMER)
                .get();
        Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
        return ready == null ? 0 : ready;
    }

    /** The runbook with the seed's values (6 consumers, alert 10,000, resolved 1,000), bound to the staged servers. */
    @Override
    public Runbook runbook() {
        return runbook(ConsumerLagPoisonMessage.CONSUMERS);
    }

    /** The runbook starting {@code consumers} consumers afterwards. */
    public Runbook runbook(int consumers) {
        return ConsumerLagPoisonMessage.runbook(
                kafka,
                k8s,
                ConsumerLagPoisonMessage.NAMESPACE,
                ConsumerLagPoisonMessage.CONSUMER,
                group,
                topic,
                0,
                poisonOffset,
                consumers,
                ConsumerLagPoisonMessage.ALERT_LAG,
                ConsumerLagPoisonMessage.RESOLVED_LAG,
                Duration.ofMinutes(1));
    }

    @Override
    public String staged() {
        return String.format(
                Locale.ROOT,
                "in-process Kafka at %s, topic %s (%d partitions), group %s: %s%n"
                        + "        poison message at %s:0@%d failed %d times; %s/%s has %d consumers ready in %s%n"
                        + "        (staging: %s)",
                broker.bootstrapServers(),
                topic,
                PARTITIONS,
                group,
                stagedLag.perTopic(),
                topic,
                poisonOffset,
                fleet.poisonHits(),
                ConsumerLagPoisonMessage.NAMESPACE,
                ConsumerLagPoisonMessage.CONSUMER,
                readyConsumers(),
                cluster,
                timings);
    }

    @Override
    public String observe() {
        ConsumerLag now = lag();
        return String.format(
                Locale.ROOT,
                "group %s lag %,d (staged %,d); %s:0 committed %d (poison at %d); %d consumers ready, %d members,"
                        + " %,d messages processed",
                group,
                now.total(),
                stagedLag.total(),
                topic,
                committed0(now),
                poisonOffset,
                readyConsumers(),
                fleet.members(),
                fleet.processed());
    }

    private long committed0(ConsumerLag lag) {
        return lag.partitions().stream()
                .filter(p -> p.partition() == 0)
                .mapToLong(dev.runbook.kafka.PartitionLag::committed)
                .findFirst()
                .orElse(-1);
    }

    @Override
    public boolean fixed() {
        ConsumerLag now = lag();
        return now.total() < ConsumerLagPoisonMessage.RESOLVED_LAG
                && committed0(now) > poisonOffset
                && readyConsumers() <= PARTITIONS;
    }

    @Override
    public void close() {
        try {
            fleet.close();
            kafka.close();
            k8s.close();
        } finally {
            cluster.close();
        }
    }
}
