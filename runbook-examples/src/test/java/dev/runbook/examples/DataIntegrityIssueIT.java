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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 004 scenario 3 on a real broker, with the download workers as real consumers that follow the
 * simulated Deployment: stop three deployments, record the offsets, reset to a datetime, resume, and the
 * workers re-consume from there.
 */
class DataIntegrityIssueIT {
    static final String NS = DataIntegrityIssue.NAMESPACE;
    static final OffsetDateTime BASE = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    static KafkaTestCluster broker;
    static SimulatedCluster cluster;
    static KafkaActions kafka;
    static K8sActions k8s;
    static ConsumerFleet workers;
    static String topic;
    static String group;

    @TempDir
    Path dir;

    @BeforeAll
    static void stage() {
        broker = KafkaTestCluster.get();
        cluster = SimulatedCluster.start("pipeline");
        cluster.createDeployment(NS, "event-ingester", 2);
        cluster.createDeployment(NS, "download-worker", 2);
        cluster.createDeployment(NS, "result-processor", 1);
        topic = broker.createTopic(KafkaTestCluster.unique(DataIntegrityIssue.TOPIC), 3);
        group = KafkaTestCluster.unique(DataIntegrityIssue.GROUP);
        List<Long> minutes = IntStream.range(0, 10)
                .mapToObj(i -> BASE.plusMinutes(i).toInstant().toEpochMilli())
                .toList();
        for (int p = 0; p < 3; p++) {
            broker.produceAt(topic, p, minutes); // offsets 0..9 at 00:00..00:09 on every partition
        }
        kafka = KafkaActions.connect(broker.bootstrapServers());
        k8s = K8sActions.of(cluster.client(), "pipeline");
        workers = ConsumerFleet.start(cluster.client(), NS, "download-worker", broker.bootstrapServers(), group, topic);
        awaitCommitted(10);
    }

    @AfterAll
    static void stop() {
        workers.close();
        kafka.close();
        cluster.close();
    }

    static void awaitCommitted(long offset) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, Long> c = broker.committed(group);
            if (c.size() == 3 && c.values().stream().allMatch(o -> o == offset)) {
                return;
            }
            KafkaTestCluster.sleep(100);
        }
        throw new IllegalStateException(
                "group " + group + " did not commit " + offset + ": " + broker.committed(group));
    }

    private static Runbook runbook(Path file, OffsetDateTime at) {
        return DataIntegrityIssue.runbook(
                kafka, k8s, NS, DataIntegrityIssue.STOP, group, topic, file, at, DataIntegrityIssue.RESUME);
    }

    private int ready(String deployment) {
        Integer r = cluster.client()
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(deployment)
                .get()
                .getStatus()
                .getReadyReplicas();
        return r == null ? 0 : r;
    }

    @Test
    void stopRecordResetResume_theWorkersReplayFromTheGoodTime() throws Exception {
        Path file = dir.resolve("offsets-snapshot.csv");
        Runbook rb = runbook(file, BASE.plusMinutes(5));
        RunbookEngine dry = RunbookEngine.builder().build();

        // a datetime in the future (a typo) is refused, not clamped to the log end; a past one after the
        // last record is the log end, exactly as kafka-consumer-groups resolves it
        assertThat(dry.plan(runbook(
                        dir.resolve("other.csv"),
                        java.time.OffsetDateTime.now(BASE.getOffset()).plusDays(1))))
                .isNotReady()
                .hasStep("reset-to-datetime")
                .isRefusedWith("a time in the future");

        Plan plan = dry.plan(rb);
        assertThat(plan)
                .isReady()
                .hasStep("reset-to-datetime")
                .withBlastRadius("messagesReconsumed", 15)
                .withWarningContaining("an earlier step must stop them");
        // the plan wrote nothing
        assertThat(ready("event-ingester") + ready("download-worker") + ready("result-processor"))
                .isEqualTo(5);
        assertThat(broker.committed(group).values()).containsOnly(10L);
        assertThat(file).doesNotExist();

        long processedBefore = workers.processed();
        Path auditFile = dir.resolve("audit.jsonl");
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(auditFile)) {
            RunbookEngine engine = RunbookEngine.builder()
                    .approvals(req -> Approval.granted("it", "test"))
                    .audit(audit)
                    .build();
            report = engine.apply(rb, engine.plan(rb));
        }

        assertThat(report)
                .succeeded()
                .step("record-offsets")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("reset-to-datetime")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed()
                .and()
                .step("resume-download-worker")
                .hasOutcome(Outcome.CHANGED);
        // read back: the simulator, the export, the broker
        assertThat(ready("event-ingester")).isZero();
        assertThat(ready("result-processor")).isZero();
        assertThat(ready("download-worker")).isEqualTo(6);
        List<String> rows = new ArrayList<>(Files.readAllLines(file));
        assertThat(rows).anyMatch(r -> r.contains(group + "," + topic + ",0,10"));
        awaitCommitted(10); // the workers re-consumed from offset 5 up to the end
        assertThat(workers.processed() - processedBefore).isGreaterThanOrEqualTo(15);
        List<JsonNode> records = AuditLogVerifier.verify(auditFile);
        assertThat(records)
                .extracting(r -> r.path("event").path("type").asText())
                .contains("RUN_STARTED", "APPROVAL_GRANTED", "MANUAL_CONFIRMED", "RUN_FINISHED");
    }
}
