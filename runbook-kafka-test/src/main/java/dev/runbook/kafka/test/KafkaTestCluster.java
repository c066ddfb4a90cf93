package dev.runbook.kafka.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real in-process KRaft broker (combined broker + controller, Apache Kafka's own {@code
 * KafkaClusterTestKit}) per test JVM, for integration tests: started on first use (about 2 s, about 250
 * MB of heap) on a free loopback port in a temporary directory, and stopped when the JVM exits. No
 * Docker, no system service; depending on {@code runbook-kafka-test} brings the broker's jars.
 *
 * <pre>{@code
 * KafkaTestCluster kafka = KafkaTestCluster.get();
 * String topic = kafka.createTopic(kafka.unique("orders"), 3);
 * kafka.produce(topic, 30);
 * kafka.commit("billing", Map.of(new TopicPartition(topic, 0), 5L));
 * }</pre>
 *
 * <p>Tests share the broker, so every test names its topics and groups with {@link #unique(String)}.
 */
public final class KafkaTestCluster {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static KafkaTestCluster instance;

    private final KafkaClusterTestKit kit;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;

    private KafkaTestCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()));
        this.producer = new KafkaProducer<>(producerConfig());
    }

    /** The broker of this test JVM, started on first call. */
    public static synchronized KafkaTestCluster get() {
        if (instance == null) {
            instance = start();
            KafkaTestCluster started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "kafka-test-cluster-shutdown"));
        }
        return instance;
    }

    private static KafkaTestCluster start() {
        try {
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            // our own temp dir: the kit's default registers a deleting shutdown hook that
                            // races the broker's own shutdown
                            .setBaseDirectory(java.nio.file.Files.createTempDirectory("runbook-kafka-"))
                            .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("num.partitions", "1")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new KafkaTestCluster(kit);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-process Kafka broker (KafkaClusterTestKit)", e);
        }
    }

    /** {@code host:port} of the broker. */
    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** A shared admin client; do not close it. */
    public Admin admin() {
        return admin;
    }

    /** A fresh admin client the caller closes, with extra settings. */
    public Admin newAdmin(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(config);
    }

    /** A name no other test uses: {@code prefix-<n>-<random>}. */
    public static String unique(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
    public String createTopic(String name, int partitions) {
        return createTopic(admin, name, partitions);
    }

    /** Creates a topic with replication factor 1 through {@code admin}, as {@link #createTopic(String, int)}. */
    public static String createTopic(Admin admin, String name, int partitions) {
        await(admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                .all());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name))
                        .allTopicNames()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                        .get(name);
                if (d.partitions().size() == partitions
                        && d.partitions().stream()
                                .map(TopicPartitionInfo::leader)
                                .allMatch(l -> l != null && l.id() >= 0)) {
                    // the metadata names a leader before the broker has become it; ListOffsets is served
                    // only by the real leader, so once it answers for every partition, producing is safe
                    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                    for (int p = 0; p < partitions; p++) {
                        request.put(new TopicPartition(name, p), OffsetSpec.latest());
                    }
                    admin.listOffsets(request).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    return name;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition while metadata propagates: retry below
            } catch (Exception e) {
                throw new IllegalStateException("describing topic " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leader for every partition after " + WAIT);
            }
            sleep(50);
        }
    }

    /** Produces {@code count} records spread round-robin over all partitions; returns them per partition. */
    public Map<Integer, Long> produce(String topic, int count) {
        int partitions = partitionCount(topic);
        Map<Integer, Long> perPartition = new HashMap<>();
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int p = i % partitions;
            sent.add(producer.send(new ProducerRecord<>(topic, p, "k-" + i, "v-" + i)));
            perPartition.merge(p, 1L, Long::sum);
        }
        sent.forEach(KafkaTestCluster::await);
        return perPartition;
    }

    /** Produces one record per timestamp (epoch millis) into one partition, in order. */
    public void produceAt(String topic, int partition, List<Long> timestamps) {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (long ts : timestamps) {
            sent.add(producer.send(new ProducerRecord<>(topic, partition, ts, "k-" + ts, "v-" + ts)));
        }
        sent.forEach(KafkaTestCluster::await);
    }

    /** Deletes records before {@code offset}, moving the log start offset of that partition. */
    public void deleteRecordsBefore(TopicPartition tp, long offset) {
        await(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset)))
                .all());
    }

    /**
     * Commits offsets for {@code group} the way a real consumer does (assign + commitSync, classic
     * protocol, no subscription), which leaves the group EMPTY with those committed offsets.
     */
    public void commit(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        offsets.forEach((tp, o) -> commits.put(tp, new OffsetAndMetadata(o)));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(group))) {
            consumer.assign(commits.keySet());
            consumer.commitSync(commits, WAIT);
        }
    }

    /** The committed offsets of {@code group}, read through the admin API. */
    public Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, Long> out = new HashMap<>();
        await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata())
                .forEach((tp, om) -> {
                    if (om != null) {
                        out.put(tp, om.offset());
                    }
                });
        return out;
    }

    /** The log end offset of every partition of {@code topic}. */
    public Map<TopicPartition, Long> endOffsets(String topic) {
        return offsets(topic, OffsetSpec.latest());
    }

    /** The log start offset of every partition of {@code topic}. */
    public Map<TopicPartition, Long> startOffsets(String topic) {
        return offsets(topic, OffsetSpec.earliest());
    }

    private Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitionCount(topic); p++) {
            request.put(new TopicPartition(topic, p), spec);
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        await(admin.listOffsets(request).all()).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The number of partitions of an existing topic. */
    public int partitionCount(String topic) {
        return await(admin.describeTopics(List.of(topic)).allTopicNames())
                .get(topic)
                .partitions()
                .size();
    }

    /**
     * Starts a real consumer that joins {@code group}, subscribes to {@code topics} and polls in the
     * background until closed; returns once it has been assigned partitions (the group is Stable).
     */
    public ActiveConsumer joinGroup(String group, Collection<String> topics) {
        return ActiveConsumer.start(consumerConfig(group), topics, WAIT);
    }

    /** A consumer configuration for {@code group} against this broker (String keys and values). */
    public Properties consumerConfig(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    /** A producer configuration against this broker (String keys and values). */
    public Properties producerConfig() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    private synchronized void close() {
        try {
            producer.close(Duration.ofSeconds(5));
            admin.close(Duration.ofSeconds(5));
            kit.close();
        } catch (Exception e) {
            // the JVM is exiting; the test kit deletes its temporary directory on close
        }
    }

    /** Waits up to 30 s for {@code future}, turning its failure into an {@link IllegalStateException}. */
    public static <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Sleeps in a test's polling loop, turning an interrupt into an {@link IllegalStateException}. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
