package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.flink.FlinkActions;
import dev.runbook.flink.JobStatus;
import dev.runbook.flink.test.FlinkTestCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.KafkaConnect;
import dev.runbook.kafka.test.ConnectTestWorker;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.TestApprovals;
import dev.runbook.trino.TrinoActions;
import dev.runbook.trino.test.TrinoShapedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's runbooks applied on real servers: a Flink 2.3 MiniCluster (runbook-flink's test-jar) running
 * the test job, the in-process Kafka broker and Connect worker (runbook-kafka-test), and, for Trino, an
 * HTTP server in Trino's documented shape (runbook-trino's test-jar; no Trino server runs here). MinIO's
 * and Nessie's health endpoints are a JDK HTTP server answering on their documented paths (neither
 * server can be installed here): the runbooks only GET them.
 */
class RealtimeLakehouseIT {
    static FlinkTestCluster cluster;
    static KafkaTestCluster broker;
    static FlinkActions flink;
    static KafkaActions kafka;
    static HttpServer storage;
    static volatile int minioClusterStatus = 200;
    static LakeStorage lake;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        cluster = FlinkTestCluster.get();
        broker = KafkaTestCluster.get();
        flink = FlinkActions.connect(cluster.restUrl());
        kafka = KafkaActions.of(broker.admin());
        storage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storage.createContext("/minio/health/live", ex -> reply(ex, 200, ""));
        storage.createContext("/minio/health/cluster", ex -> reply(ex, minioClusterStatus, ""));
        storage.createContext(
                "/api/v2/config",
                ex -> reply(
                        ex,
                        200,
                        "{\"defaultBranch\":\"main\",\"minSupportedApiVersion\":1,\"maxSupportedApiVersion\":2}"));
        storage.start();
        String base = "http://127.0.0.1:" + storage.getAddress().getPort();
        lake = new LakeStorage(base, base);
    }

    @AfterAll
    static void stop() {
        storage.stop(0);
        cluster.cancelAll();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body)
            throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    /** Plans {@code rb}, runs {@code afterPlan} (the dry run's proof: nothing changed yet), applies it, audited to {@code audit}. */
    Report apply(Runbook rb, Path audit, String incident, Runnable afterPlan) {
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(audit)) {
            RunbookEngine engine = RunbookEngine.builder()
                    .actor("it")
                    .incident(incident)
                    .approvals(TestApprovals.approvingAll())
                    .audit(sink)
                    .build();
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady();
            afterPlan.run();
            return engine.apply(rb, plan);
        }
    }

    /** A topic of {@code partitions} whose group {@code group} has committed nothing past {@code perPartition} records behind. */
    static String laggingTopic(String group, int partitions, int perPartition) {
        String topic = broker.createTopic(KafkaTestCluster.unique("orders"), partitions);
        broker.produce(topic, partitions * perPartition);
        Map<TopicPartition, Long> zero = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            zero.put(new TopicPartition(topic, p), 0L);
        }
        broker.commit(group, zero);
        return topic;
    }

    static Map<String, Integer> parallelism(String job) {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode v : cluster.rest("GET", "jobs/" + job, null).path("vertices")) {
            out.put(v.path("name").asText(), v.path("parallelism").asInt());
        }
        return out;
    }

    /** The job running now, whatever its parallelism (no resubmission), else a new one at 2. */
    static String anyRunningJob() {
        for (JsonNode j : cluster.rest("GET", "jobs", null).path("jobs")) {
            if ("RUNNING".equals(j.path("status").asText())) {
                return j.path("id").asText();
            }
        }
        return cluster.runningJob(2);
    }

    @Test
    void kafkaBacklog_rescalesTheJobToThePartitionCount_andWaitsForTheLag() throws Exception {
        String group = KafkaTestCluster.unique("paimon-sink");
        String topic = laggingTopic(group, 4, 6_000);
        String job = cluster.runningJob(2);

        // more subtasks than partitions: refused at plan time, the job untouched
        Plan tooMany = RunbookEngine.builder()
                .approvals(TestApprovals.approvingAll())
                .build()
                .plan(RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, job, group, topic, 5));
        assertThat(tooMany).isNotReady().hasRefusalContaining("above the bound 4");
        // MinIO without write quorum: refused at plan time
        minioClusterStatus = 503;
        try {
            assertThat(RunbookEngine.builder()
                            .build()
                            .plan(RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, job, group, topic, 4)))
                    .isNotReady()
                    .hasRefusalContaining("precheck 'MinIO has write quorum' does not hold");
        } finally {
            minioClusterStatus = 200;
        }
        assertThat(parallelism(job).values()).as("the plans changed nothing").containsOnly(2);

        // the job's source catches up once it runs at 4: its group commits the end offsets
        CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && !flink.jobStatus(job).read().parallelism().values().stream()
                            .allMatch(p -> p == 4)) {
                FlinkTestCluster.sleep(200);
            }
            broker.commit(group, broker.endOffsets(topic));
        });
        Path audit = dir.resolve("kafka-backlog.jsonl");
        Report report = apply(
                RealtimeLakehouse.kafkaBacklog(
                        flink, kafka, lake, job, group, topic, 4, RealtimeLakehouse.ALERT_LAG, Duration.ofSeconds(60)),
                audit,
                "IT-LAKE-1",
                () -> assertThat(parallelism(job).values())
                        .as("the plan rescaled nothing")
                        .containsOnly(2));
        consumer.get();

        assertThat(report).succeeded();
        assertThat(report).step("rescale-job").hasOutcome(Outcome.CHANGED).verificationPassed();
        assertThat(parallelism(job).values()).containsOnly(4);
        for (JsonNode r : cluster.rest("GET", "jobs/" + job + "/resource-requirements", null)) {
            assertThat(r.path("parallelism").path("upperBound").asInt()).isEqualTo(4);
        }
        assertThat(broker.committed(group)).isEqualTo(broker.endOffsets(topic));
        assertThat(AuditLogVerifier.verify(audit)).isNotEmpty();
        assertThat(Files.readString(audit)).contains("partitions of topic '" + topic + "'");
    }

    @Test
    void kafkaBacklogAddPartitions_addsThem_withLeaders() throws Exception {
        String group = KafkaTestCluster.unique("paimon-sink");
        String topic = laggingTopic(group, 2, 6_000);
        String job = anyRunningJob();

        Path audit = dir.resolve("partitions.jsonl");
        Report report = apply(
                RealtimeLakehouse.kafkaBacklogAddPartitions(flink, kafka, job, group, topic, 6),
                audit,
                "IT-LAKE-2",
                () -> assertThat(broker.partitionCount(topic))
                        .as("the plan added nothing")
                        .isEqualTo(2));

        assertThat(report).succeeded();
        assertThat(report).step("add-partitions").hasOutcome(Outcome.CHANGED).verificationPassed();
        assertThat(broker.partitionCount(topic)).isEqualTo(6);
        assertThat(AuditLogVerifier.verify(audit)).isNotEmpty();
    }

    /** Fails its first records after submission, as a job fails on a schema it cannot map, then runs. */
    static final class FailsThreeTimes implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger LEFT = new AtomicInteger();

        @Override
        public Long map(Long value) throws Exception {
            if (LEFT.getAndDecrement() > 0) {
                throw new IllegalStateException("cannot map column 'amount': DECIMAL(10,2) -> STRING");
            }
            Thread.sleep(2);
            return value;
        }
    }

    @Test
    void flinkRestarting_stopsTheJobWithASavepoint_forTheRedeploy() throws Exception {
        cluster.cancelAll();
        FailsThreeTimes.LEFT.set(3);
        String job = cluster.submit(1, new FailsThreeTimes());
        cluster.awaitRunning(job);
        JobStatus before = flink.jobStatus(job).read();
        assertThat(before.failures())
                .as("the job restarted in a loop before it ran")
                .hasSizeGreaterThanOrEqualTo(3);
        String savepoints = cluster.savepointDir("lake-restarting");

        Path audit = dir.resolve("restarting.jsonl");
        Report report = apply(
                RealtimeLakehouse.flinkRestarting(flink, lake, job, savepoints, Clock.systemUTC()),
                audit,
                "IT-LAKE-3",
                () -> assertThat(cluster.rest("GET", "jobs/" + job, null)
                                .path("state")
                                .asText())
                        .as("the plan stopped nothing")
                        .isEqualTo("RUNNING"));

        assertThat(report).succeeded();
        assertThat(report)
                .step("stop-with-savepoint")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed();
        String path = report.step("stop-with-savepoint")
                .details()
                .path("savepointPath")
                .asText();
        assertThat(Path.of(URI.create(path)).resolve("_metadata")).exists();
        // the job list (not the job details, cached up to 3 s by the REST API) shows it stopped
        assertThat(flink.jobStatus(job).read().state()).isEqualTo("FINISHED");
        assertThat(AuditLogVerifier.verify(audit)).isNotEmpty();
        assertThat(Files.readString(audit)).contains(path);
    }

    @Test
    void trinoBacklog_killsTheHeaviestQuery_withTheJustification() throws Exception {
        try (TrinoShapedServer server = new TrinoShapedServer()) {
            String heavy = "20251207_031500_00042_abcde";
            String light = "20251207_032500_00044_abcde";
            String queued = "20251207_032000_00043_abcde";
            server.add(
                    heavy,
                    "RUNNING",
                    "alice",
                    "superset",
                    "SELECT * FROM lake.events e JOIN lake.orders o ON e.id = o.id",
                    "41.50m",
                    "1.00s",
                    "40.00m",
                    "12.5GB");
            server.add(
                    light,
                    "RUNNING",
                    "bob",
                    "trino-cli",
                    "SELECT count(*) FROM lake.orders",
                    "12.00s",
                    "0.50s",
                    "3.00s",
                    "20MB");
            server.add(
                    queued,
                    "QUEUED",
                    "carol",
                    "airflow",
                    "INSERT INTO lake.daily SELECT ...",
                    "5.00m",
                    "5.00m",
                    "0.00s",
                    "0B");
            TrinoActions trino = TrinoActions.connect(server.url(), "oncall");
            String why = "IT-LAKE-4: a 40-minute scan starves the dashboards";

            Path audit = dir.resolve("trino.jsonl");
            Report report = apply(RealtimeLakehouse.trinoBacklog(trino, lake, heavy, why), audit, "IT-LAKE-4", () -> {
                assertThat(server.killMessages).as("the plan killed nothing").isEmpty();
                assertThat(server.states()).containsEntry(heavy, "RUNNING");
            });

            assertThat(report).succeeded();
            assertThat(report).step("kill-query").hasOutcome(Outcome.CHANGED);
            assertThat(server.states())
                    .containsEntry(heavy, "FAILED")
                    .containsEntry(light, "RUNNING")
                    .containsEntry(queued, "QUEUED");
            assertThat(server.killMessages).hasSize(1);
            assertThat(server.killMessages.get(0)).startsWith(heavy + ": ").contains(why);
            assertThat(AuditLogVerifier.verify(audit)).isNotEmpty();
            assertThat(Files.readString(audit)).contains(why);
        }
    }

    @Test
    void connectorFailed_restartsTheFailedTask_afterTheFix() throws Exception {
        ConnectTestWorker worker = ConnectTestWorker.get();
        KafkaConnect connect = kafka.kafkaConnect(worker.url().toString());
        String topic = broker.createTopic(KafkaTestCluster.unique("cdc"), 1);
        String name = KafkaTestCluster.unique("orders-sink");
        Path missing = worker.dir().resolve(name);
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
                        missing.resolve("out.txt").toString()));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !failed(connect, name)) {
                FlinkTestCluster.sleep(100);
            }
            assertThat(connect.connectorStatus(name).read().failedTasks()).containsExactly(0);
            Files.createDirectories(missing); // the fix the manual step asks for

            Path audit = dir.resolve("connect.jsonl");
            Report report =
                    apply(RealtimeLakehouse.connectorFailed(connect, name), audit, "IT-LAKE-5", () -> assertThat(
                                    connect.connectorStatus(name).read().failedTasks())
                            .as("the plan restarted nothing")
                            .containsExactly(0));

            assertThat(report).succeeded();
            assertThat(report).step("restart-connector").hasOutcome(Outcome.CHANGED);
            assertThat(connect.connectorStatus(name).read().allIn("RUNNING")).isTrue();
            assertThat(AuditLogVerifier.verify(audit)).isNotEmpty();
        } finally {
            worker.deleteConnector(name);
        }
    }

    private static boolean failed(KafkaConnect connect, String name) {
        try {
            return connect.connectorStatus(name).read().anyFailed();
        } catch (RuntimeException notYet) {
            return false;
        }
    }
}
