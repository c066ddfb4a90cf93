package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.ReplaySelection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authorisation failures on a real broker with SASL/PLAIN users and the KRaft {@code StandardAuthorizer}
 * (in its own JVM): user {@code alice} starts with no rights and each test grants her some. The error
 * names what was denied and the ACL to add, is not retriable, never shows the password, and leaves the
 * broker's state as it was.
 */
class KafkaAclIT {
    private static final String ALICE = "User:alice";
    private static KafkaBrokerProcess broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBrokerProcess.startWithAcls();
        admin = Admin.create(broker.clientConfig("admin"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String topicWithRecords(String name, int partitions, int perPartition) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                .all()
                .get();
        Map<String, Object> p = new HashMap<>(broker.clientConfig("admin"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(name, partition, "k" + i, "v" + i));
                }
            }
        }
        return name;
    }

    private static void allow(ResourceType type, String name, AclOperation... operations) throws Exception {
        allow(PatternType.LITERAL, type, name, operations);
    }

    private static void allow(PatternType pattern, ResourceType type, String name, AclOperation... operations)
            throws Exception {
        for (AclOperation op : operations) {
            admin.createAcls(List.of(new AclBinding(
                            new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(ALICE, "*", op, AclPermissionType.ALLOW))))
                    .all()
                    .get();
        }
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .forEach((tp, om) -> out.put(tp, om == null ? null : om.offset()));
        return out;
    }

    private static void commit(String group, String topic, long... offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (int p = 0; p < offsets.length; p++) {
            m.put(new TopicPartition(topic, p), new OffsetAndMetadata(offsets[p]));
        }
        admin.alterConsumerGroupOffsets(group, m).all().get();
    }

    /** The keys in partition 0 of {@code topic}, as a read_committed consumer (the admin) sees them. */
    private static List<String> readCommitted(String topic) {
        Map<String, Object> c = new HashMap<>(broker.clientConfig("admin"));
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(
                org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class);
        TopicPartition tp = new TopicPartition(topic, 0);
        List<String> keys = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
        }
        return keys;
    }

    @Test
    void resetOffsets_withNoRights_isDeniedAtPlan_namingTheGroupAndTheAcl() throws Exception {
        String topic = topicWithRecords("payments-a", 2, 10);
        commit("billing-a", topic, 3, 4);
        try (KafkaActions alice = KafkaActions.connect(broker.clientConfig("alice"))) {
            assertThatThrownBy(() -> alice.resetOffsets("billing-a")
                            .topic(topic)
                            .toEarliest()
                            .plan(ActionContext.standalone()))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, KafkaAclIT::notRetriable)
                    .hasMessageContaining("denied")
                    .hasMessageContaining("group 'billing-a'")
                    .hasMessageContaining("kafka-acls --add --allow-principal")
                    .hasMessageNotContaining("alice-secret");
        }
        assertThat(committed("billing-a"))
                .isEqualTo(Map.of(new TopicPartition(topic, 0), 3L, new TopicPartition(topic, 1), 4L));
    }

    @Test
    void resetOffsets_withDescribeOnly_plans_butApplyIsDenied_andNoOffsetMoves() throws Exception {
        String topic = topicWithRecords("payments-b", 2, 10);
        commit("billing-b", topic, 3, 4);
        allow(ResourceType.GROUP, "billing-b", AclOperation.DESCRIBE);
        allow(ResourceType.TOPIC, topic, AclOperation.DESCRIBE);
        try (KafkaActions alice = KafkaActions.connect(broker.clientConfig("alice"))) {
            ActionContext ctx = ActionContext.standalone();
            ResetOffsets skip = alice.resetOffsets("billing-b").topic(topic).toLatest();
            StepPlan plan = skip.plan(ctx);
            assertThat(plan.summary()).contains("billing-b");
            assertThatThrownBy(() -> skip.apply(plan, ctx))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, KafkaAclIT::notRetriable)
                    .hasMessageContaining("denied")
                    .hasMessageContaining("offsets of group billing-b")
                    .hasMessageContaining("Describe and Read on that group")
                    .hasMessageNotContaining("alice-secret");
        }
        assertThat(committed("billing-b"))
                .isEqualTo(Map.of(new TopicPartition(topic, 0), 3L, new TopicPartition(topic, 1), 4L));
    }

    @Test
    void replayDlq_withoutWriteOnTheTarget_isDenied_andNothingIsReplayedOrCommitted() throws Exception {
        String dlq = topicWithRecords("orders-dlq-c", 1, 5);
        String target = topicWithRecords("orders-c", 1, 0);
        try (KafkaActions alice = KafkaActions.connect(broker.clientConfig("alice"))) {
            ReplayDlq replay = replayReadingTheDlq(alice, dlq, target);
            allow(ResourceType.TOPIC, target, AclOperation.DESCRIBE);
            ActionContext ctx = ActionContext.standalone();
            StepPlan plan = replay.plan(ctx);
            assertThatThrownBy(() -> replay.apply(plan, ctx))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, KafkaAclIT::notRetriable)
                    .hasMessageContaining("denied")
                    .hasMessageContaining("transactional id")
                    .hasMessageNotContaining("alice-secret");
            assertThat(committed(replay.group()))
                    .as("the replayer's DLQ offsets")
                    .isEmpty();

            // with the transactional id allowed, the write to the target is what is denied
            allow(
                    ResourceType.TRANSACTIONAL_ID,
                    TransactionalKafkaSink.transactionalId(replay.group()),
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            StepPlan again = replay.plan(ctx);
            assertThatThrownBy(() -> replay.apply(again, ctx))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, KafkaAclIT::notRetriable)
                    .hasMessageContaining("denied")
                    .hasMessageContaining(target)
                    .hasMessageContaining("DLQ offsets were not committed");
            assertThat(committed(replay.group()))
                    .as("the replayer's DLQ offsets")
                    .isEmpty();

            // granted, a rerun replays every record once
            allow(ResourceType.TOPIC, target, AclOperation.WRITE);
            StepPlan granted = replay.plan(ctx);
            assertThat(replay.apply(granted, ctx).count("replayed")).isEqualTo(5);
        }
        assertThat(readCommitted(target))
                .as("what read_committed consumers see in the target")
                .containsExactly("k0", "k1", "k2", "k3", "k4");
    }

    @Test
    void replayDlq_ofSeveralPartitions_needsEveryLanesTransactionalId_andOnePrefixedAclCoversThem() throws Exception {
        String dlq = topicWithRecords("orders-dlq-d", 2, 3);
        String target = topicWithRecords("orders-d", 1, 0);
        try (KafkaActions alice = KafkaActions.connect(broker.clientConfig("alice"))) {
            ReplayDlq replay = replayReadingTheDlq(alice, dlq, target);
            allow(ResourceType.TOPIC, target, AclOperation.DESCRIBE, AclOperation.WRITE);
            // the first lane's id only, as granted for a replay before lanes
            allow(
                    ResourceType.TRANSACTIONAL_ID,
                    TransactionalKafkaSink.transactionalId(replay.group()),
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            ActionContext ctx = ActionContext.standalone();
            StepPlan plan = replay.plan(ctx);
            assertThatThrownBy(() -> replay.apply(plan, ctx))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, KafkaAclIT::notRetriable)
                    .hasMessageContaining("denied")
                    .hasMessageContaining(TransactionalKafkaSink.transactionalId(replay.group(), 1))
                    .hasMessageContaining("--resource-pattern-type prefixed")
                    .hasMessageNotContaining("alice-secret");
            assertThat(committed(replay.group()))
                    .as("the replayer's DLQ offsets")
                    .isEmpty();
            assertThat(readCommitted(target)).as("nothing replayed").isEmpty();

            allow(
                    PatternType.PREFIXED,
                    ResourceType.TRANSACTIONAL_ID,
                    TransactionalKafkaSink.transactionalId(replay.group()),
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            StepPlan granted = replay.plan(ctx);
            ApplyResult did = replay.apply(granted, ctx);
            assertThat(did.count("replayed")).isEqualTo(6);
            assertThat(replay.verify(granted, did, ctx).ok()).isTrue();
            assertThat(committed(replay.group()))
                    .isEqualTo(Map.of(new TopicPartition(dlq, 0), 3L, new TopicPartition(dlq, 1), 3L));
        }
        assertThat(readCommitted(target))
                .as("what read_committed consumers see in the target: each DLQ partition's records once")
                .containsExactlyInAnyOrder("k0", "k1", "k2", "k0", "k1", "k2");
    }

    /** Alice's replay of {@code dlq} into {@code target}, allowed to read the DLQ and use its replayer group. */
    private static ReplayDlq replayReadingTheDlq(KafkaActions alice, String dlq, String target) throws Exception {
        ReplayDlq replay =
                alice.replayDlq(dlq, ReplaySelection.builder().target(target).build());
        allow(ResourceType.TOPIC, dlq, AclOperation.READ, AclOperation.DESCRIBE);
        allow(ResourceType.GROUP, replay.group(), AclOperation.READ, AclOperation.DESCRIBE);
        return replay;
    }

    /** A denial is final: retrying cannot help until an ACL changes. */
    private static void notRetriable(TargetUnavailableException e) {
        assertThat(e.retriable()).as("retrying cannot help: %s", e.getMessage()).isFalse();
    }
}
