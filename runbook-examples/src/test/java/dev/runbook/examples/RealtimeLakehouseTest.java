package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.cassandra.ClusterHealth;
import dev.runbook.cassandra.NodeStatus;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.core.http.Health;
import dev.runbook.flink.FlinkActions;
import dev.runbook.flink.JobStatus;
import dev.runbook.kafka.ConnectorStatus;
import dev.runbook.kafka.ConsumerLag;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.KafkaConnect;
import dev.runbook.kafka.PartitionLag;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import dev.runbook.trino.QueuedQueries;
import dev.runbook.trino.TrinoActions;
import dev.runbook.trino.TrinoQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seed 001's runbooks, their shape and their plans against fakes (nothing connects); applied on real servers in {@link RealtimeLakehouseIT}. */
@RunbookTest
class RealtimeLakehouseTest {
    static final String JOB = "8f3c1d2b6a44c22d56e1a0b9c8d7e6f5";
    static final String QUERY = "20251207_031500_00042_abcde";
    static final String WHY = "INC-42: a 40-minute scan starves the dashboards";
    static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");

    static FlinkActions flink;
    static KafkaActions kafka;
    static KafkaConnect connect;
    static TrinoActions trino;
    static LakeStorage lake;

    @BeforeAll
    static void actions() {
        flink = FlinkActions.connect("http://127.0.0.1:1");
        kafka = KafkaActions.connect("127.0.0.1:1");
        connect = kafka.kafkaConnect("http://127.0.0.1:2");
        trino = TrinoActions.connect("http://127.0.0.1:3", "oncall");
        lake = new LakeStorage("http://127.0.0.1:4", "http://127.0.0.1:5");
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    static ConsumerLag lag(long... perPartition) {
        List<PartitionLag> parts = new java.util.ArrayList<>();
        for (int p = 0; p < perPartition.length; p++) {
            parts.add(new PartitionLag("orders", p, 100, 100 + perPartition[p]));
        }
        return new ConsumerLag("paimon-sink", parts);
    }

    static JobStatus job(String state, int parallelism, Instant... failures) {
        return new JobStatus(
                JOB,
                "orders-to-paimon",
                state,
                Map.of("Source: orders -> enrich", parallelism, "lake: Writer", parallelism),
                failures.length,
                List.of(failures),
                null,
                null,
                0);
    }

    static Health ok(String url) {
        return new Health(url, 200, Duration.ofMillis(3), "");
    }

    static void storageHealthy(RunbookFakes fakes) {
        fakes.probe("minio-live").set(ok("http://127.0.0.1:4/minio/health/live"));
        fakes.probe("minio-cluster").set(ok("http://127.0.0.1:4/minio/health/cluster"));
        fakes.probe("nessie-config").set(ok("http://127.0.0.1:5/api/v2/config"));
    }

    static TrinoQuery query(String id, String state, long cpuSeconds) {
        return new TrinoQuery(
                id,
                state,
                "alice",
                "superset",
                "SELECT * FROM lake.events e JOIN lake.orders o ON e.id = o.id",
                Duration.ofMinutes(40),
                Duration.ofSeconds(2),
                Duration.ofSeconds(cpuSeconds),
                1 << 30);
    }

    @Test
    void kafkaBacklog_followsTheSeed() {
        Runbook rb = RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, JOB, "paimon-sink", "orders", 4);

        assertThat(rb.id()).isEqualTo("LAKE-KAFKA-BACKLOG");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "lag-above-alert",
                        "minio-live",
                        "minio-cluster",
                        "nessie-config",
                        "job-running",
                        "check-throughput",
                        "rescale-job",
                        "job-rescaled",
                        "lag-recovered",
                        "check-gc-and-cpu");
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.WAIT,
                        StepKind.MANUAL);
        assertThat(rb.step("lag-above-alert").title()).isEqualTo("the lag is above 5000");
        Step.Act rescale = (Step.Act) rb.step("rescale-job");
        assertThat(rescale.action().parameters().toString()).contains("partitions of topic 'orders'");
        assertThat(((Step.Check<?>) rb.step("minio-live")).probe().name()).contains("/minio/health/live");
        assertThat(((Step.Check<?>) rb.step("nessie-config")).probe().name()).contains("/api/v2/config");
    }

    @Test
    void kafkaBacklog_withFakes_rescalesOnce_andWaitsForTheLag(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes =
                RunbookFakes.of(RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, JOB, "paimon-sink", "orders", 4));
        fakes.probe("lag-above-alert").then(lag(6_000, 200), lag(6_100, 250), lag(3_000, 0), lag(0, 0));
        storageHealthy(fakes);
        fakes.probe("job-running").set(job("RUNNING", 4));

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady();
        Report report = engine.apply(fakes.runbook(), plan);

        assertThat(report).succeeded();
        assertThat(report).step("rescale-job").hasOutcome(Outcome.CHANGED);
        assertThat(fakes.action("rescale-job").applies()).isEqualTo(1);
        assertThat(approvals.askedFor()).contains("check-throughput", "check-gc-and-cpu");
        audit.assertPaired();
    }

    @Test
    void kafkaBacklog_withFakes_aSmallLagOrUnhealthyStorage_isRefusedAtPlanTime(RunbookEngine engine) {
        RunbookFakes fakes =
                RunbookFakes.of(RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, JOB, "paimon-sink", "orders", 4));
        fakes.probe("lag-above-alert").set(lag(4_000, 10));
        storageHealthy(fakes);
        fakes.probe("minio-cluster").set(new Health("http://127.0.0.1:4/minio/health/cluster", 503, Duration.ZERO, ""));
        fakes.probe("job-running").set(job("RUNNING", 2));

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'the lag is above 5000' does not hold")
                .hasRefusalContaining("precheck 'MinIO has write quorum' does not hold");
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void kafkaBacklogAddPartitions_followsTheSeed() {
        Runbook rb = RealtimeLakehouse.kafkaBacklogAddPartitions(flink, kafka, JOB, "paimon-sink", "orders", 12);
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "lag-above-alert",
                        "job-running",
                        "check-parallelism",
                        "add-partitions",
                        "partitions-added",
                        "rescale-next");
        assertThat(((Step.Act) rb.step("add-partitions")).action().type()).contains("addPartitions");
    }

    @Test
    void flinkRestarting_withFakes_stopsWithASavepoint_onlyWhenItRestartsInALoop(
            RunbookEngine engine, RecordingAuditSink audit) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Runbook rb = RealtimeLakehouse.flinkRestarting(flink, lake, JOB, "s3://lakehouse/savepoints", clock);
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "restarting-in-a-loop",
                        "minio-live",
                        "minio-cluster",
                        "nessie-config",
                        "read-the-log",
                        "fix-the-mapping",
                        "stop-with-savepoint",
                        "job-stopped",
                        "deploy-and-restore");
        assertThat(((Step.Act) rb.step("stop-with-savepoint")).action().toString())
                .contains("s3://lakehouse/savepoints");

        RunbookFakes once = RunbookFakes.of(rb);
        once.probe("restarting-in-a-loop").set(job("RUNNING", 2, NOW.minusSeconds(3_600)));
        storageHealthy(once);
        assertThat(engine.plan(once.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'the job restarts in a loop' does not hold");

        RunbookFakes loop = RunbookFakes.of(rb);
        Instant[] three = {NOW.minusSeconds(30), NOW.minusSeconds(60), NOW.minusSeconds(90)};
        loop.probe("restarting-in-a-loop")
                .then(job("RUNNING", 2, three), job("RUNNING", 2, three), job("FINISHED", 2, three));
        storageHealthy(loop);
        Plan plan = engine.plan(loop.runbook());
        assertThat(plan).isReady();
        Report report = engine.apply(loop.runbook(), plan);
        assertThat(report).succeeded();
        assertThat(report).step("stop-with-savepoint").hasOutcome(Outcome.CHANGED);
        audit.assertPaired();
    }

    @Test
    void trinoBacklog_withFakes_killsTheHeaviestQuery_withTheJustification(
            RunbookEngine engine, RecordingAuditSink audit) {
        Runbook rb = RealtimeLakehouse.trinoBacklog(trino, lake, QUERY, WHY);
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "queries-queued",
                        "heaviest-query",
                        "minio-cluster",
                        "check-resources",
                        "kill-query",
                        "query-gone",
                        "scale-workers");
        assertThat(((Step.Act) rb.step("kill-query")).action().parameters().toString())
                .contains(QUERY)
                .contains(WHY);

        RunbookFakes fakes = RunbookFakes.of(rb);
        TrinoQuery heavy = query(QUERY, "RUNNING", 2_400);
        TrinoQuery light = query("20251207_032000_00043_abcde", "RUNNING", 12);
        QueuedQueries before = new QueuedQueries(Map.of("QUEUED", 3, "RUNNING", 2), null, heavy, heavy);
        QueuedQueries after = new QueuedQueries(Map.of("QUEUED", 1, "RUNNING", 2), null, light, light);
        fakes.probe("queries-queued").then(before, before, before, before, after);
        fakes.probe("minio-cluster").set(ok("http://127.0.0.1:4/minio/health/cluster"));

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady();
        assertThat(plan).hasStep("kill-query").requiresApproval();
        assertThat(engine.apply(fakes.runbook(), plan))
                .succeeded()
                .step("kill-query")
                .hasOutcome(Outcome.CHANGED);
        audit.assertPaired();
    }

    @Test
    void trinoBacklog_withFakes_aQueryThatIsNoLongerTheHeaviest_isRefused(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(RealtimeLakehouse.trinoBacklog(trino, lake, QUERY, WHY));
        TrinoQuery other = query("20251207_032000_00043_abcde", "RUNNING", 3_000);
        fakes.probe("queries-queued").set(new QueuedQueries(Map.of("QUEUED", 2, "RUNNING", 2), null, other, other));
        fakes.probe("minio-cluster").set(ok("http://127.0.0.1:4/minio/health/cluster"));

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'the query is the heaviest running' does not hold");
        assertThat(fakes.action("kill-query").applies()).isZero();
    }

    @Test
    void connectorFailed_withFakes_restartsTheFailedTask_andWaitsUntilItRuns(RunbookEngine engine) {
        Runbook rb = RealtimeLakehouse.connectorFailed(connect, "orders-cdc");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly("connector-failed", "fix-the-cause", "restart-connector", "connector-running");
        RunbookFakes fakes = RunbookFakes.of(rb);
        ConnectorStatus failed = new ConnectorStatus(
                "orders-cdc", "RUNNING", "w1", List.of(new ConnectorStatus.Task(0, "FAILED", "w1", "trace")));
        ConnectorStatus running = new ConnectorStatus(
                "orders-cdc", "RUNNING", "w1", List.of(new ConnectorStatus.Task(0, "RUNNING", "w1", null)));
        fakes.probe("connector-failed").then(failed, failed, running);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady();
        assertThat(engine.apply(fakes.runbook(), plan))
                .succeeded()
                .step("restart-connector")
                .hasOutcome(Outcome.CHANGED);
    }

    private static NodeStatus nodes(NodeStatus.State second) {
        java.util.UUID schema = java.util.UUID.randomUUID();
        return new NodeStatus(
                "127.0.0.1",
                List.of(
                        new NodeStatus.Node(
                                "127.0.0.1",
                                "dc1",
                                "rack1",
                                java.util.UUID.randomUUID(),
                                NodeStatus.State.UP,
                                "NORMAL",
                                16,
                                schema,
                                "5.0.6"),
                        new NodeStatus.Node(
                                "127.0.0.2",
                                "dc1",
                                "rack1",
                                java.util.UUID.randomUUID(),
                                second,
                                "NORMAL",
                                16,
                                schema,
                                "5.0.6")));
    }

    private static ClusterHealth health(int liveReplicas) {
        ClusterHealth.Reach reach = new ClusterHealth.Reach(2, liveReplicas);
        return new ClusterHealth(
                true,
                java.util.Set.of(),
                java.util.Map.of(),
                List.of(new ClusterHealth.KeyspaceHealth(
                        "orders",
                        "NetworkTopologyStrategy",
                        java.util.Map.of("dc1", 3),
                        reach,
                        java.util.Map.of("dc1", reach))));
    }

    @Test
    void cassandraNodeDown_withProbes_plansWhenANodeIsDownAndQuorumsHold_refusesOtherwise() {
        var status = new java.util.concurrent.atomic.AtomicReference<>(nodes(NodeStatus.State.DOWN));
        var quorum = new java.util.concurrent.atomic.AtomicReference<>(health(2));
        Runbook rb = RealtimeLakehouse.cassandraNodeDown(
                dev.runbook.core.Probe.of("nodetool status", status::get),
                dev.runbook.core.Probe.of("cluster health", quorum::get),
                Duration.ofSeconds(1));
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "nodetool-status", "local-quorum", "read-the-log", "heap-and-disk", "replace-node", "all-up");
        RunbookEngine engine = RunbookEngine.builder().build();
        assertThat(engine.plan(rb).isReady()).isTrue();

        quorum.set(health(1)); // RF 3 with two replicas down: LOCAL_QUORUM (2) unreachable
        Plan refused = engine.plan(rb);
        assertThat(refused.isReady()).isFalse();
        assertThat(refused.toString()).contains("every keyspace reaches LOCAL_QUORUM");

        status.set(nodes(NodeStatus.State.UP)); // nothing is down: not this runbook's incident
        assertThat(engine.plan(rb).isReady()).isFalse();
    }

    @Test
    void cassandraNodeDown_isManual_withNodetoolStatusFirst() {
        Runbook rb = RealtimeLakehouse.cassandraNodeDown();
        assertThat(rb.steps()).extracting(Step::kind).containsOnly(StepKind.MANUAL);
        assertThat(rb.steps().get(0).id()).isEqualTo("nodetool-status");
    }

    @Test
    void badInputs_failWhenTheRunbookIsBuilt() {
        assertThatThrownBy(() -> RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, JOB, " ", "orders", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name the group");
        assertThatThrownBy(() -> RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, "orders-job", "g", "orders", 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RealtimeLakehouse.kafkaBacklog(
                        flink, kafka, lake, JOB, "g", "orders", 4, 0, Duration.ofMinutes(1)))
                .hasMessageContaining("alertLag must be >= 1");
        assertThatThrownBy(() -> RealtimeLakehouse.trinoBacklog(trino, lake, QUERY, " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LakeStorage("minio:9000", "http://nessie:19120"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minioUrl");
    }
}
