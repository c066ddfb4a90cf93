package dev.runbook.examples;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The consumers of a Deployment in a simulated cluster, played by real Kafka consumers: one per ready
 * replica of the Deployment, re-counted every 50 ms, so that {@code kubectl scale} in the simulator starts
 * and stops real group members. A record whose value is {@value #POISON} fails every time: its consumer
 * seeks back to it and never commits past it, as a consumer without a dead-letter topic does.
 *
 * <pre>{@code
 * try (ConsumerFleet fleet = ConsumerFleet.start(cluster.client(), "smp-prod", "dispatch-engine",
 *         kafka.bootstrapServers(), "dispatch-engine", "orders.events")) {
 *     fleet.poisonHits();
 * }
 * }</pre>
 */
final class ConsumerFleet implements AutoCloseable {
    /** The value of a message that no consumer can process. */
    static final String POISON = "POISON";

    private final KubernetesClient k8s;
    private final String namespace;
    private final String deployment;
    private final Map<String, Object> config;
    private final String topic;
    private final List<Member> members = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong poisonHits = new AtomicLong();
    private final Thread control;

    private ConsumerFleet(
            KubernetesClient k8s,
            String namespace,
            String deployment,
            String bootstrapServers,
            String group,
            String topic) {
        this.k8s = k8s;
        this.namespace = namespace;
        this.deployment = deployment;
        this.topic = topic;
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.config = Map.copyOf(c);
        this.control = new Thread(this::control, "consumer-fleet-" + deployment);
        control.setDaemon(true);
    }

    /** Starts following the ready replicas of {@code namespace/deployment}. */
    static ConsumerFleet start(
            KubernetesClient k8s,
            String namespace,
            String deployment,
            String bootstrapServers,
            String group,
            String topic) {
        ConsumerFleet fleet = new ConsumerFleet(k8s, namespace, deployment, bootstrapServers, group, topic);
        fleet.control.start();
        return fleet;
    }

    /** Records processed by every member so far. */
    long processed() {
        return processed.get();
    }

    /** How often a member failed on the poison message. */
    long poisonHits() {
        return poisonHits.get();
    }

    /** The members running now. */
    synchronized int members() {
        return members.size();
    }

    private void control() {
        while (running.get()) {
            try {
                Deployment d = k8s.apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName(deployment)
                        .get();
                Integer ready = d == null || d.getStatus() == null
                        ? null
                        : d.getStatus().getReadyReplicas();
                resize(ready == null ? 0 : ready);
            } catch (RuntimeException e) {
                // the API server is away for a moment: keep the members as they are
            }
            sleep(50);
        }
    }

    private synchronized void resize(int wanted) {
        while (members.size() < wanted && running.get()) {
            Member m = new Member(members.size());
            members.add(m);
            m.thread.start();
        }
        while (members.size() > wanted) {
            members.remove(members.size() - 1).stop();
        }
    }

    private final class Member {
        private final AtomicBoolean active = new AtomicBoolean(true);
        private final Thread thread;
        private volatile KafkaConsumer<String, String> consumer;

        Member(int index) {
            this.thread = new Thread(this::run, deployment + "-" + index);
            thread.setDaemon(true);
        }

        private void run() {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config)) {
                consumer = c;
                c.subscribe(List.of(topic));
                while (active.get()) {
                    ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(100));
                    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                    for (TopicPartition tp : records.partitions()) {
                        for (ConsumerRecord<String, String> r : records.records(tp)) {
                            if (POISON.equals(r.value())) {
                                poisonHits.incrementAndGet();
                                c.seek(tp, r.offset()); // fails again on the next poll
                                sleep(20);
                                break;
                            }
                            processed.incrementAndGet();
                            done.put(tp, new OffsetAndMetadata(r.offset() + 1));
                        }
                    }
                    if (!done.isEmpty()) {
                        c.commitSync(done);
                    }
                }
            } catch (WakeupException | InterruptException e) {
                // stopped
            } catch (RuntimeException e) {
                if (active.get()) {
                    System.err.println(thread.getName() + " stopped: " + e);
                }
            }
        }

        void stop() {
            active.set(false);
            KafkaConsumer<String, String> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            control.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            members.forEach(Member::stop);
            members.clear();
        }
    }
}
