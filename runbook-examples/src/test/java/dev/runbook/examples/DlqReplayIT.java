package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Approval;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two DLQ runbooks on the real in-process broker, with dead letters written as Spring Kafka's
 * DeadLetterPublishingRecoverer writes them: the seed 002 flood replayed whole, and seed 004 scenario 5
 * replayed by error class with the ingester paused in the simulated cluster.
 */
class DlqReplayIT {
    static final String TIMEOUT = "java.net.SocketTimeoutException";
    static final String NOT_ALLOWED = "com.xact.pipeline.DomainNotAllowedException";

    static KafkaTestCluster broker;
    static KafkaActions kafka;
    static KafkaProducer<String, String> producer;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        broker = KafkaTestCluster.get();
        kafka = KafkaActions.connect(broker.bootstrapServers());
        Properties p = broker.producerConfig();
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        kafka.close();
    }

    /** Dead letters of {@code origin} failed with {@code exception}, with Spring Kafka's header encodings. */
    static void deadLetters(String dlq, String origin, String exception, int count, int firstOffset) {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RecordHeaders h = new RecordHeaders();
            h.add("kafka_dlt-original-topic", utf8(origin));
            h.add(
                    "kafka_dlt-original-partition",
                    ByteBuffer.allocate(4).putInt(i % 2).array());
            h.add(
                    "kafka_dlt-original-offset",
                    ByteBuffer.allocate(8).putLong(firstOffset + i).array());
            h.add(
                    "kafka_dlt-original-timestamp",
                    ByteBuffer.allocate(8).putLong(1_700_000_000_000L).array());
            h.add("kafka_dlt-original-consumer-group", utf8("processor"));
            h.add("kafka_dlt-exception-fqcn", utf8(exception));
            h.add("kafka_dlt-exception-message", utf8("Listener failed"));
            sent.add(producer.send(
                    new ProducerRecord<>(dlq, null, "order-" + (firstOffset + i), "{\"order\":" + i + "}", h)));
        }
        sent.forEach(KafkaTestCluster::await);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Records a read_committed consumer sees in {@code topic}. */
    static int committedRecords(String topic) {
        Properties c = broker.consumerConfig(KafkaTestCluster.unique("reader"));
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = IntStream.range(0, broker.partitionCount(topic))
                    .mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int n = 0;
            int empty = 0;
            while (empty < 5) {
                int got = consumer.poll(Duration.ofMillis(200)).count();
                n += got;
                empty = got == 0 ? empty + 1 : 0;
            }
            return n;
        }
    }

    private static Report apply(Runbook rb, Path auditFile) throws Exception {
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(auditFile)) {
            RunbookEngine engine = RunbookEngine.builder()
                    .approvals(req -> Approval.granted("it", "test"))
                    .audit(audit)
                    .build();
            return engine.apply(rb, engine.plan(rb));
        }
    }

    @Test
    void dlqFlood_replaysEveryRecordOfTheOriginOnce() throws Exception {
        String origin = broker.createTopic(KafkaTestCluster.unique("orders"), 2);
        String dlq = broker.createTopic(KafkaTestCluster.unique("orders-dlq"), 2);
        String parking = broker.createTopic(KafkaTestCluster.unique("orders-dlq-parking"), 1);
        deadLetters(dlq, origin, TIMEOUT, 120, 0);
        deadLetters(dlq, origin, "com.flash.InvalidOrderFormatException", 30, 500);
        Runbook rb = DlqFlood.runbook(kafka, dlq, origin, DlqFlood.ALERT_SIZE, parking);

        assertThat(RunbookEngine.builder().build().plan(DlqFlood.runbook(kafka, dlq, origin, 1_000, parking)))
                .isNotReady()
                .hasStep("dlq-flooded")
                .isRefusedWith("does not hold"); // 150 is no flood for an alert at 1,000
        Plan plan = RunbookEngine.builder().build().plan(rb);
        assertThat(plan).isReady().hasStep("replay-dlq").withBlastRadius("messages", 150);
        assertThat(committedRecords(origin)).as("the dry run sends nothing").isZero();

        Path auditFile = dir.resolve("audit-flood.jsonl");
        Report report = apply(rb, auditFile);

        assertThat(report)
                .succeeded()
                .step("replay-dlq")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed()
                .and()
                .step("dlq-drained")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(committedRecords(origin)).isEqualTo(150);
        assertThat(committedRecords(parking)).isZero();
        // a second run has nothing to replay: refused at the flood precheck, nothing sent twice
        assertThat(RunbookEngine.builder().build().plan(rb)).isNotReady().hasStep("dlq-flooded");
        assertThat(committedRecords(origin)).isEqualTo(150);
        List<JsonNode> records = AuditLogVerifier.verify(auditFile);
        assertThat(records)
                .extracting(r -> r.path("event").path("type").asText())
                .contains("RUN_STARTED", "STEP_FINISHED", "MANUAL_CONFIRMED", "RUN_FINISHED");
    }

    @Test
    void runawayDlqGrowth_pausesIngestion_andReplaysOnlyTheErrorClass() throws Exception {
        String origin = broker.createTopic(KafkaTestCluster.unique("xact.downloads.pending"), 2);
        String dlq = broker.createTopic(KafkaTestCluster.unique("xact.downloads.dlq"), 1);
        deadLetters(dlq, origin, NOT_ALLOWED, 40, 0);
        deadLetters(dlq, origin, TIMEOUT, 10, 100);
        try (SimulatedCluster cluster = SimulatedCluster.start("pipeline")) {
            cluster.createDeployment(RunawayDlqGrowth.NAMESPACE, RunawayDlqGrowth.INGESTER, 2);
            K8sActions k8s = K8sActions.of(cluster.client(), "pipeline");
            Runbook rb = RunawayDlqGrowth.runbook(
                    kafka, k8s, RunawayDlqGrowth.NAMESPACE, RunawayDlqGrowth.INGESTER, dlq, NOT_ALLOWED);

            assertThat(RunbookEngine.builder().build().plan(rb))
                    .isReady()
                    .hasStep("replay-error-class")
                    .withBlastRadius("messages", 40);
            Report report = apply(rb, dir.resolve("audit-growth.jsonl"));

            assertThat(report)
                    .succeeded()
                    .step("pause-ingestion")
                    .hasOutcome(Outcome.CHANGED)
                    .and()
                    .step("replay-error-class")
                    .hasOutcome(Outcome.CHANGED)
                    .verificationPassed();
            assertThat(committedRecords(origin)).isEqualTo(40); // the timeouts stay in the DLQ
            assertThat(cluster.client()
                            .apps()
                            .deployments()
                            .inNamespace(RunawayDlqGrowth.NAMESPACE)
                            .withName(RunawayDlqGrowth.INGESTER)
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isZero();
            Runbook timeouts = RunawayDlqGrowth.runbook(
                    kafka, k8s, RunawayDlqGrowth.NAMESPACE, RunawayDlqGrowth.INGESTER, dlq, TIMEOUT);
            assertThat(RunbookEngine.builder().build().plan(timeouts))
                    .hasStep("replay-error-class")
                    .withBlastRadius("messages", 10);
            assertThat(AuditLogVerifier.verify(dir.resolve("audit-growth.jsonl")))
                    .isNotEmpty();
        }
    }

    @Test
    void aMissingDlqIsRefusedNamingIt() {
        var plan = RunbookEngine.builder().build().plan(DlqFlood.runbook(kafka, "no-such-dlq", "orders", 0, "p"));
        assertThat(plan).isNotReady();
        assertThat(plan.refusals()).anyMatch(r -> r.contains("no-such-dlq"));
    }
}
