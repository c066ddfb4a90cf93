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
import dev.runbook.kafka.ConnectorStatus;
import dev.runbook.kafka.KafkaConnect;
import dev.runbook.kafka.test.ConnectTestWorker;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-008 on a real in-process Kafka Connect worker: the crashed "Debezium" connector is a file sink whose
 * task FAILED because its output directory is missing (the cause the seed fixes first: MySQL unreachable).
 */
class DebeziumConnectorCrashedIT {
    static KafkaTestCluster kafka;
    static ConnectTestWorker worker;
    static KafkaConnect connect;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.get();
        worker = ConnectTestWorker.get();
        connect = KafkaConnect.connect(worker.url().toString());
    }

    /** A connector whose task 0 FAILED writing to a missing directory; returns its name. */
    private String crashedConnector(Path missingDir) {
        String topic = kafka.createTopic(KafkaTestCluster.unique("smp.cdc.smp_order"), 1);
        String name = KafkaTestCluster.unique("smp-mysql-connector");
        worker.createConnector(
                name,
                Map.of(
                        "connector.class",
                        "org.apache.kafka.connect.file.FileStreamSinkConnector",
                        "tasks.max",
                        "1",
                        "topics",
                        topic,
                        "file",
                        missingDir.resolve("cdc.txt").toString()));
        await(name, s -> s.failedTasks().equals(List.of(0)));
        // CDC events as JSON (the worker's value converter is JSON)
        try (var producer =
                new org.apache.kafka.clients.producer.KafkaProducer<String, String>(kafka.producerConfig())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        topic, "order-" + i, "{\"op\":\"u\",\"order\":" + i + "}"));
            }
        }
        return name;
    }

    private static ConnectorStatus await(String name, Predicate<ConnectorStatus> until) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ConnectorStatus last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = connect.connectorStatus(name).read();
                if (until.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                // not created yet
            }
            KafkaTestCluster.sleep(100);
        }
        throw new IllegalStateException("connector " + name + " did not reach the expected state; last " + last);
    }

    private static RunbookEngine engine(JsonLinesAuditSink audit) {
        return RunbookEngine.builder()
                .approvals(req -> Approval.granted("it", "test"))
                .audit(audit)
                .build();
    }

    @Test
    void restartsTheFailedTaskAfterTheFix_theConnectorRunsAndTheEventsFlow() throws Exception {
        Path out = dir.resolve("es-sink");
        String name = crashedConnector(out);
        Runbook rb = DebeziumConnectorCrashed.runbook(connect, name, Duration.ofSeconds(30));
        Path auditFile = dir.resolve("audit-INC-008.jsonl");
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(auditFile)) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady().hasStep("restart-connector").withSummaryContaining("task 0 FAILED");
            assertThat(connect.connectorStatus(name).read().failedTasks())
                    .as("the plan restarts nothing")
                    .containsExactly(0);

            Files.createDirectories(out); // the fix comes first, as in the seed
            report = engine.apply(rb, plan);
        }

        assertThat(report)
                .succeeded()
                .step("restart-connector")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("connector-and-tasks-running")
                .hasOutcome(Outcome.UNCHANGED);
        ConnectorStatus now = connect.connectorStatus(name).read(); // read back from the worker
        assertThat(now.allIn("RUNNING")).as(now.states()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((!Files.exists(out.resolve("cdc.txt"))
                        || Files.readAllLines(out.resolve("cdc.txt")).size() < 5)
                && System.nanoTime() < deadline) {
            KafkaTestCluster.sleep(100);
        }
        assertThat(Files.readAllLines(out.resolve("cdc.txt")))
                .as("the events flow again")
                .hasSize(5);
        List<JsonNode> records = AuditLogVerifier.verify(auditFile);
        assertThat(records)
                .extracting(r -> r.path("event").path("type").asText())
                .contains(
                        "RUN_STARTED",
                        "STEP_FINISHED",
                        "MANUAL_CONFIRMED",
                        "RUN_FINISHED"); // a restart needs no approval
        worker.deleteConnector(name);
    }

    @Test
    void aRunningConnectorIsRefused_andAnUnknownOneNamesTheKnownOnes() throws Exception {
        Path out = dir.resolve("ok");
        Files.createDirectories(out);
        String topic = kafka.createTopic(KafkaTestCluster.unique("smp.cdc.smp_order"), 1);
        String name = KafkaTestCluster.unique("smp-mysql-connector");
        worker.createConnector(
                name,
                Map.of(
                        "connector.class",
                        "org.apache.kafka.connect.file.FileStreamSinkConnector",
                        "tasks.max",
                        "1",
                        "topics",
                        topic,
                        "file",
                        out.resolve("cdc.txt").toString()));
        await(name, s -> s.allIn("RUNNING"));
        RunbookEngine engine = RunbookEngine.builder().build();

        assertThat(engine.plan(DebeziumConnectorCrashed.runbook(connect, name, Duration.ofSeconds(5))))
                .isNotReady()
                .hasStep("connector-failed")
                .isRefusedWith("does not hold");
        assertThat(engine.plan(DebeziumConnectorCrashed.runbook(connect)))
                .isNotReady()
                .hasRefusalContaining("smp-mysql-connector");
        worker.deleteConnector(name);
    }
}
