package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplayHeaders;
import dev.runbook.core.replay.ReplaySink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kafka topic as the replay target, through the same {@link ReplaySink} SPI, wired in by the runbook
 * (here the test) without runbook-mongo depending on runbook-kafka; a real in-process KRaft broker.
 */
class KafkaTargetIT {
    static KafkaClusterTestKit kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(Files.createTempDirectory("runbook-mongo-kafka-"))
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /**
     * What a runbook writes to replay MongoDB events into a topic: the event id as key and replay id, the
     * document as JSON; {@code checkpoint()} waits for the broker's acknowledgements, so an event is marked
     * replayed only once the topic has it.
     */
    static final class TopicSink implements ReplaySink<BsonDocument> {
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final List<Future<RecordMetadata>> unacknowledged = new ArrayList<>();

        TopicSink(String bootstrap, String topic) {
            this.producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap,
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                            true),
                    new StringSerializer(),
                    new StringSerializer());
            this.topic = topic;
        }

        @Override
        public void send(DlqRecord<BsonDocument> record, ReplayDecision decision) {
            ProducerRecord<String, String> r = new ProducerRecord<>(
                    topic, record.position(), record.payload().toJson());
            r.headers().add(ReplayHeaders.REPLAY_ID, record.position().getBytes(StandardCharsets.UTF_8));
            r.headers()
                    .add(
                            ReplayHeaders.ATTEMPT,
                            Integer.toString(decision.attempt()).getBytes(StandardCharsets.UTF_8));
            unacknowledged.add(producer.send(r));
        }

        @Override
        public void consumed(List<DlqRecord<BsonDocument>> records) {}

        @Override
        public void checkpoint() {
            producer.flush();
            try {
                for (Future<RecordMetadata> f : unacknowledged) {
                    f.get();
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new TargetUnavailableException("kafka did not acknowledge a replayed event: " + e, e);
            } finally {
                unacknowledged.clear();
            }
        }

        @Override
        public void abort() {
            unacknowledged.clear(); // not transactional: what went out stays out; the events stay claimed
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void eventsReplayedIntoATopic_areMarkedOnlyOnceTheBrokerAcknowledgedThem() throws Exception {
        String topic = "payments-replay";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        TestMongo mongo = TestMongo.shared();
        String name = TestMongo.uniqueCollection("kafka_log");
        MongoCollection<Document> events = mongo.client.getDatabase("smp").getCollection(name);
        events.insertMany(
                TestMongo.events(0, 250, "inside.payment.succeeded", "timeout", Instant.parse("2026-12-01T08:00:00Z")));

        ReplayDlq replay = mongo.actions("smp")
                .replayDlq(name)
                .to("kafka " + topic, () -> new TopicSink(kafka.bootstrapServers(), topic));
        ActionContext ctx =
                ActionContext.builder().runId("r-kafka").stepId("02-replay").build();
        StepPlan plan = replay.plan(ctx);
        assertThat(plan.summary()).contains("to kafka payments-replay");
        ApplyResult result = replay.apply(plan, ctx);
        assertThat(result.count("replayed")).isEqualTo(250);
        assertThat(replay.verify(plan, result, ctx).ok()).isTrue();
        assertThat(events.countDocuments(Filters.eq("status", "replayed"))).isEqualTo(250);

        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "check",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < 250 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertThat(read).hasSize(250);
        assertThat(read).extracting(ConsumerRecord::key).doesNotHaveDuplicates().contains("evt-0", "evt-249");
        assertThat(read).allSatisfy(r -> {
            assertThat(new String(
                            r.headers().lastHeader(ReplayHeaders.REPLAY_ID).value(), StandardCharsets.UTF_8))
                    .isEqualTo(r.key());
            assertThat(Document.parse(r.value()).getString("event_id")).isEqualTo(r.key());
        });
    }
}
