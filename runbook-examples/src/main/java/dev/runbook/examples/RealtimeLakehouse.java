package dev.runbook.examples;

import dev.runbook.cassandra.CassandraActions;
import dev.runbook.cassandra.ClusterHealth;
import dev.runbook.cassandra.NodeStatus;
import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.core.http.HttpHealth;
import dev.runbook.flink.FlinkActions;
import dev.runbook.flink.JobStatus;
import dev.runbook.flink.SavepointFormat;
import dev.runbook.kafka.ConnectorStatus;
import dev.runbook.kafka.ConsumerLag;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.KafkaConnect;
import dev.runbook.kafka.PartitionLag;
import dev.runbook.trino.QueuedQueries;
import dev.runbook.trino.TrinoActions;
import dev.runbook.trino.TrinoQuery;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Seed runbook 001 "realtime lakehouse" (Kafka, Debezium, Flink, Paimon, Cassandra, Trino, MinIO, Nessie)
 * as code: one small runbook per situation of its section 4, each with the seed's thresholds as defaults.
 *
 * <ul>
 *   <li>{@link #kafkaBacklog}: lag above 5,000, rescale the Flink job (at most one subtask per partition of
 *       the source topic), wait until the lag is back under 5,000;
 *   <li>{@link #kafkaBacklogAddPartitions}: the other way out of a backlog, more partitions for the topic;
 *   <li>{@link #flinkRestarting}: the {@code FlinkJobRestarting} alert, stop the job with a savepoint, then a
 *       person deploys the fixed JAR and restores from that savepoint;
 *   <li>{@link #trinoBacklog}: queued queries, kill the heaviest running query with a justification;
 *   <li>{@link #connectorFailed}: a Kafka Connect task FAILED, restart the failed parts after the fix;
 *   <li>{@link #cassandraNodeDown(CassandraActions)}: the seed's {@code nodetool status} as runbook-cassandra's
 *       probes (a node is DN; can every keyspace still reach LOCAL_QUORUM?), then the manual repair, then
 *       a wait until every node is UP; {@link #cassandraNodeDown()} is the same with the checks manual.
 * </ul>
 *
 * <p>MinIO and Nessie hold the checkpoints, savepoints and table commits the Flink job needs after a
 * restart: their health endpoints ({@link LakeStorage}) are prechecks of the runbooks that restart or stop
 * the job, and MinIO's of the Trino one (the seed checks "MinIO capacity" first).
 *
 * <pre>{@code
 * FlinkActions flink = FlinkActions.connect("http://flink-jobmanager:8081");
 * KafkaActions kafka = KafkaActions.connect("kafka:9092");
 * LakeStorage lake = new LakeStorage("http://minio:9000", "http://nessie:19120");
 * Runbook rb = RealtimeLakehouse.kafkaBacklog(flink, kafka, lake, jobId, "paimon-sink", "orders", 6);
 * Plan plan = engine.plan(rb);   // rescale 'orders-to-paimon' from 3 to 6 ... at most 12 (partitions of topic 'orders')
 * }</pre>
 */
public final class RealtimeLakehouse {
    /** The seed's backlog alert: {@code kafka_consumer_fetch_manager_metrics_records_lag_max > 5000}. */
    public static final long ALERT_LAG = 5_000;

    /** How long the lag may take to fall back under the alert after the rescale. */
    public static final Duration CATCH_UP = Duration.ofMinutes(15);

    /** {@code FlinkJobRestarting}: this many failures ... */
    public static final int RESTARTS = 3;

    /** ... within this window (or RESTARTING now). */
    public static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    /** How long a restarted connector's tasks may take to run. */
    public static final Duration CONNECTOR_START = Duration.ofMinutes(2);

    private RealtimeLakehouse() {}

    // ---- Kafka backlog

    /** {@link #kafkaBacklog(FlinkActions, KafkaActions, LakeStorage, String, String, String, int, long, Duration)} with the seed's lag of 5,000 and 15 minutes to catch up. */
    public static Runbook kafkaBacklog(
            FlinkActions flink,
            KafkaActions kafka,
            LakeStorage lake,
            String jobId,
            String group,
            String topic,
            int parallelism) {
        return kafkaBacklog(flink, kafka, lake, jobId, group, topic, parallelism, ALERT_LAG, CATCH_UP);
    }

    /**
     * "Kafka backlog tăng": the lag of the job's consumer group is above {@code alertLag} on a partition;
     * the storage answers; the job runs. Check its throughput (manual), rescale it to {@code parallelism}
     * (refused above the source topic's partition count: more subtasks would sit idle), verify, wait until
     * the lag is under {@code alertLag} again, then look at GC and CPU (manual).
     *
     * @param jobId the Flink job reading {@code topic} (32 hex digits)
     * @param group the consumer group whose lag the alert measures (the job's Kafka source group)
     * @param topic the source topic; its partition count bounds the parallelism
     * @param parallelism the new parallelism
     * @throws IllegalArgumentException for a blank group or topic, a parallelism below 1, a lag below 1 or
     *     a duration that is not positive
     */
    public static Runbook kafkaBacklog(
            FlinkActions flink,
            KafkaActions kafka,
            LakeStorage lake,
            String jobId,
            String group,
            String topic,
            int parallelism,
            long alertLag,
            Duration catchUp) {
        requireName("group", group);
        requireName("topic", topic);
        requirePositive("alertLag", alertLag);
        requirePositive("catchUp", catchUp);
        Probe<JobStatus> job = flink.jobStatus(jobId);
        Probe<ConsumerLag> lag = kafka.consumerLag(group);
        Probe<Integer> partitions = kafka.endOffsets(topic).map("partitions of topic '" + topic + "'", Map::size);
        Runbook.Builder rb = Runbook.builder("LAKE-KAFKA-BACKLOG", "Kafka backlog: rescale the Flink job")
                .severity(Severity.SEV2)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Kafka backlog tăng: steps 1 (throughput), 2 (rescale), 3 (GC, CPU)")
                .precheck("the lag is above " + alertLag, lag, maxLagAbove(alertLag))
                .id("lag-above-alert");
        storagePrechecks(rb, lake);
        return rb.precheck("the Flink job runs", job, running())
                .id("job-running")
                .manual(
                        "check the job's throughput",
                        "Grafana: flink_jobmanager_job_latency and numRecordsInPerSecond of job " + jobId
                                + ". If a TaskManager is short of CPU or in GC, more subtasks will not help: add"
                                + " TaskManagers (docker compose up -d --scale flink-taskmanager=2) or CPU first")
                .id("check-throughput")
                .step(
                        "rescale the Flink job",
                        flink.rescaleJob(jobId, parallelism).atMost(partitions))
                .id("rescale-job")
                .verify(
                        "the job runs at parallelism " + parallelism,
                        job,
                        Condition.<JobStatus>of(
                                "is RUNNING with every vertex at " + parallelism,
                                s -> s.running()
                                        && s.parallelism().values().stream().allMatch(p -> p == parallelism)))
                .id("job-rescaled")
                .waitUntil("the lag is back under " + alertLag, lag, maxLagAtMost(alertLag), catchUp)
                .id("lag-recovered")
                .manual(
                        "check GC and CPU",
                        "Grafana / cAdvisor: GC time and CPU of the flink-taskmanager containers; allocate more"
                                + " CPU if the job is CPU-bound at the new parallelism")
                .id("check-gc-and-cpu")
                .build();
    }

    /**
     * "Kafka backlog tăng", the other action of step 2: the job already runs one subtask per partition, so
     * the topic gets more partitions ({@code kafka-topics.sh --alter --partitions}). Only an increase;
     * keys map to other partitions afterwards (the plan warns); no inverse. The rescale that follows is
     * {@link #kafkaBacklog} once the job's source has picked up the new partitions.
     *
     * @param partitions the new partition count of {@code topic}
     * @throws IllegalArgumentException for a blank group or topic, or a count below 1
     */
    public static Runbook kafkaBacklogAddPartitions(
            FlinkActions flink, KafkaActions kafka, String jobId, String group, String topic, int partitions) {
        requireName("group", group);
        requireName("topic", topic);
        return Runbook.builder("LAKE-KAFKA-PARTITIONS", "Kafka backlog: add partitions to the source topic")
                .severity(Severity.SEV2)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Kafka backlog tăng: step 2 (tăng partitions topic, kafka-topics.sh)")
                .precheck("the lag is above " + ALERT_LAG, kafka.consumerLag(group), maxLagAbove(ALERT_LAG))
                .id("lag-above-alert")
                .precheck("the Flink job runs", flink.jobStatus(jobId), running())
                .id("job-running")
                .manual(
                        "check that the job already reads one partition per subtask",
                        "flink.jobStatus(" + jobId + ") parallelism against the partitions of '" + topic
                                + "': if it is lower, rescale instead (LAKE-KAFKA-BACKLOG). Adding partitions"
                                + " moves keys to other partitions: tell the owners of keyed consumers")
                .id("check-parallelism")
                .step("add partitions to " + topic, kafka.addPartitions(topic, partitions))
                .id("add-partitions")
                .verify(
                        topic + " has " + partitions + " partitions",
                        kafka.endOffsets(topic).map("partitions of topic '" + topic + "'", Map::size),
                        Condition.<Integer>of("is " + partitions, n -> n == partitions))
                .id("partitions-added")
                .manual(
                        "rescale the job to the new partitions",
                        "The job's Kafka source finds the new partitions after its partition discovery interval"
                                + " (scan.partition-discovery.interval / partition.discovery.interval.ms); then"
                                + " run LAKE-KAFKA-BACKLOG with parallelism up to " + partitions)
                .id("rescale-next")
                .build();
    }

    // ---- Flink restarting

    /** {@link #flinkRestarting(FlinkActions, LakeStorage, String, String, int, Duration, Clock)} with the seed's alert: 3 failures in 10 minutes. */
    public static Runbook flinkRestarting(
            FlinkActions flink, LakeStorage lake, String jobId, String savepointDir, Clock clock) {
        return flinkRestarting(flink, lake, jobId, savepointDir, RESTARTS, RESTART_WINDOW, clock);
    }

    /**
     * "Flink job restart liên tục": the job failed {@code restarts} times within {@code window}; the
     * storage answers. Read the log and fix the schema mapping (manual), stop the job with a savepoint
     * (canonical format, no drain) so that nothing more fails while the fix is built, then deploy the new
     * JAR restoring from that savepoint (manual: its path is in the step's result and the audit).
     *
     * <p>The savepoint needs the job RUNNING between two restarts: a job that never gets that far is refused
     * at plan time ("is RESTARTING, not RUNNING"); restore it from its last retained checkpoint instead.
     *
     * @param savepointDir where the savepoint goes, such as {@code s3://lakehouse/savepoints}
     * @throws IllegalArgumentException for a malformed job id, a blank directory, restarts below 1 or a
     *     window that is not positive
     */
    public static Runbook flinkRestarting(
            FlinkActions flink,
            LakeStorage lake,
            String jobId,
            String savepointDir,
            int restarts,
            Duration window,
            Clock clock) {
        requirePositive("window", window);
        Probe<JobStatus> job = flink.jobStatus(jobId);
        Runbook.Builder rb = Runbook.builder("LAKE-FLINK-RESTARTING", "Flink job restarting in a loop")
                .severity(Severity.SEV2)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Flink job restart liên tục: steps 1 (Loki), 2 (Paimon type mapping), 3"
                        + " (restore after the new JAR)")
                .precheck(
                        "the job restarts in a loop",
                        job,
                        FlinkActions.restartingInALoop(restarts, window, Objects.requireNonNull(clock, "clock")))
                .id("restarting-in-a-loop");
        storagePrechecks(rb, lake);
        return rb.manual(
                        "read the JobManager's log",
                        "Loki: {container=\"flink-jobmanager\"} around the restarts; a schema error names the"
                                + " table and the column")
                .id("read-the-log")
                .manual(
                        "fix the type mapping in a new JAR",
                        "If the schema changed: update the Paimon type mapping (allow_non_string_to_string ...)"
                                + " and build the new JAR; do not deploy it yet")
                .id("fix-the-mapping")
                .step(
                        "stop the job with a savepoint",
                        flink.stopWithSavepoint(jobId, savepointDir, SavepointFormat.CANONICAL, false))
                .id("stop-with-savepoint")
                .verify("the job has stopped", job, Condition.<JobStatus>of("is FINISHED", s -> "FINISHED"
                        .equals(s.state())))
                .id("job-stopped")
                .manual(
                        "deploy the new JAR from the savepoint",
                        "flink run -s <savepointPath of step 'stop-with-savepoint' (its result, the audit)> the new"
                                + " JAR; --allowNonRestoredState only if an operator was removed on purpose. Then"
                                + " check flink.jobStatus(newJobId): RUNNING and checkpoints completing again")
                .id("deploy-and-restore")
                .build();
    }

    // ---- Trino backlog

    /**
     * "Trino backlog tăng": queries are queued and {@code queryId} is the heaviest running one (by CPU or
     * memory, as {@code trino.queuedQueries().read()} shows it); MinIO has write quorum. Check the cluster's
     * resources (manual), kill that query with {@code justification} (its owner sees it; the audit keeps
     * it), verify it no longer runs, then consider more workers (manual).
     *
     * <pre>{@code
     * TrinoQuery heavy = trino.queuedQueries().read().heaviestByCpu();
     * Runbook rb = RealtimeLakehouse.trinoBacklog(trino, lake, heavy.queryId(), "INC-42: 40-minute scan starves the dashboards");
     * }</pre>
     *
     * @throws IllegalArgumentException for a malformed query id or a blank justification
     */
    public static Runbook trinoBacklog(TrinoActions trino, LakeStorage lake, String queryId, String justification) {
        Probe<QueuedQueries> queries = trino.queuedQueries();
        HttpHealth minio = lake.minioCluster();
        return Runbook.builder("LAKE-TRINO-BACKLOG", "Trino backlog: kill the heaviest query")
                .severity(Severity.SEV3)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Trino backlog tăng: steps 1 (resources), 2 (kill /v1/query/{queryId}/killed),"
                        + " 3 (scale workers)")
                .precheck(
                        "queries are queued",
                        queries,
                        Condition.<QueuedQueries>of("has QUEUED > 0", q -> q.count("QUEUED") > 0))
                .id("queries-queued")
                .precheck(
                        "the query is the heaviest running",
                        queries,
                        Condition.<QueuedQueries>of(
                                "has " + queryId + " as the heaviest running by CPU or memory",
                                q -> is(q.heaviestByCpu(), queryId) || is(q.heaviestByMemory(), queryId)))
                .id("heaviest-query")
                .precheck("MinIO has write quorum", minio, HttpHealth.healthy())
                .id("minio-cluster")
                .manual(
                        "check the cluster's resources",
                        "Grafana: MinIO capacity and cAdvisor CPU of the Trino workers; a worker short of"
                                + " memory or a full disk is not fixed by killing a query")
                .id("check-resources")
                .step("kill the heaviest query", trino.killQuery(queryId, justification))
                .id("kill-query")
                .verify(
                        "the query no longer runs",
                        queries,
                        Condition.<QueuedQueries>of(
                                "has not " + queryId + " as the heaviest running",
                                q -> !is(q.heaviestByCpu(), queryId) && !is(q.heaviestByMemory(), queryId)))
                .id("query-gone")
                .manual(
                        "scale the workers if the load lasts",
                        "If queries keep queuing with no heavy one: add Trino (or Spark) workers")
                .id("scale-workers")
                .build();
    }

    // ---- Kafka Connect

    /** {@link #connectorFailed(KafkaConnect, String, Duration)} with 2 minutes for the tasks to run. */
    public static Runbook connectorFailed(KafkaConnect connect, String connector) {
        return connectorFailed(connect, connector, CONNECTOR_START);
    }

    /**
     * "Kafka Connect connector lỗi": a task of {@code connector} FAILED. Read its stack trace and fix the
     * configuration (manual: the precheck's reading shows the trace), restart only the failed parts
     * ({@code POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true}), wait until all run.
     *
     * @throws IllegalArgumentException for a blank connector name or a duration that is not positive
     */
    public static Runbook connectorFailed(KafkaConnect connect, String connector, Duration start) {
        requireName("connector", connector);
        requirePositive("start", start);
        Probe<ConnectorStatus> status = connect.connectorStatus(connector);
        return Runbook.builder("LAKE-CONNECTOR-FAILED", "Kafka Connect connector failed")
                .severity(Severity.SEV2)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Kafka Connect connector lỗi: steps 1 (Grafana), 2 (logs), 3 (restart)")
                .precheck(
                        "the connector has a failed task",
                        status,
                        Condition.<ConnectorStatus>of("has a FAILED task or is FAILED", ConnectorStatus::anyFailed))
                .id("connector-failed")
                .manual(
                        "fix the cause",
                        "Read the stack trace (the precheck's reading, or docker compose logs connect) and fix"
                                + " the configuration or the target of connector '" + connector + "' first:"
                                + " a restart before the fix fails again")
                .id("fix-the-cause")
                .step("restart the failed tasks", connect.restartConnector(connector))
                .id("restart-connector")
                .waitUntil(
                        "the connector runs",
                        status,
                        Condition.<ConnectorStatus>of("is RUNNING with every task", s -> s.allIn("RUNNING")),
                        start)
                .id("connector-running")
                .build();
    }

    // ---- Cassandra

    /**
     * Seed 001 §4 "Cassandra node down" with runbook-cassandra's probes: precheck that a node is DN (the
     * driver's view, which sees a dead node within a second, where {@code nodetool status} on a survivor
     * takes 15-25 s), precheck that every keyspace still reaches LOCAL_QUORUM without it (the decision the
     * seed leaves to a person: if not, writes at LOCAL_QUORUM fail now, the plan refuses naming the
     * keyspace, and it is a SEV-1 for a person first), the manual repair steps,
     * then wait until every node is UP again.
     *
     * <pre>{@code
     * CassandraActions cassandra = CassandraActions.connect("cassandra-1:9042,cassandra-2:9042", "dc1");
     * Runbook rb = RealtimeLakehouse.cassandraNodeDown(cassandra);
     * }</pre>
     *
     * @param cassandra the cluster, connected to every node (CassandraActions.connect does)
     */
    public static Runbook cassandraNodeDown(CassandraActions cassandra) {
        Objects.requireNonNull(cassandra, "cassandra");
        return cassandraNodeDown(cassandra.nodeStatus(), cassandra.clusterHealth(), Duration.ofMinutes(30));
    }

    /**
     * {@link #cassandraNodeDown(CassandraActions)} from its two probes, for tests and for other sources of
     * the same facts.
     *
     * @param nodes who is up and down
     * @param health whether each keyspace still reaches its quorums
     * @param recovery how long the repaired or replaced node may take to be UP
     */
    public static Runbook cassandraNodeDown(Probe<NodeStatus> nodes, Probe<ClusterHealth> health, Duration recovery) {
        return Runbook.builder("LAKE-CASSANDRA-NODE-DOWN", "Cassandra node down")
                .severity(Severity.SEV2)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Cassandra node down: steps 1 (logs), 2 (heap, disk), 3 (new node, bootstrap)")
                .precheck("a node is DN", nodes, CassandraActions.aNodeIsDown())
                .id("nodetool-status")
                // one node down with quorums intact is this runbook's case; a keyspace below LOCAL_QUORUM means
                // writes fail now: the plan refuses, naming the keyspace, and the incident is a SEV-1
                .precheck(
                        "every keyspace still reaches LOCAL_QUORUM",
                        health,
                        CassandraActions.everyKeyspaceReachesLocalQuorum())
                .id("local-quorum")
                .manual("read the node's log", "docker compose logs cassandra-nodeX: why it stopped")
                .id("read-the-log")
                .manual(
                        "check heap and disk",
                        "Disk free on the data directory; heap per the Cassandra docs, adjust MAX_HEAP_SIZE")
                .id("heap-and-disk")
                .manual(
                        "restart or replace the node",
                        "Restart it; if it does not recover, start a new container and let it bootstrap")
                .id("replace-node")
                .waitUntil("every node is UP", nodes, CassandraActions.allNodesUp(), recovery)
                .id("all-up")
                .build();
    }

    /**
     * "Cassandra node down", as the seed's manual steps: {@code nodetool status}, the node's log, heap and
     * disk, a replacement node. Manual until a Cassandra module gives the node status as a probe.
     */
    public static Runbook cassandraNodeDown() {
        return Runbook.builder("LAKE-CASSANDRA-NODE-DOWN", "Cassandra node down")
                .severity(Severity.SEV2)
                .service("realtime-lakehouse")
                .link("seeds/001 §4 Cassandra node down: steps 1 (logs), 2 (heap, disk), 3 (new node, bootstrap)")
                .manual(
                        "check nodetool status",
                        "nodetool status on a live node: which node is DN, or which UN is missing; can each"
                                + " keyspace still reach LOCAL_QUORUM with it down?")
                .id("nodetool-status")
                .manual("read the node's log", "docker compose logs cassandra-nodeX: why it stopped")
                .id("read-the-log")
                .manual(
                        "check heap and disk",
                        "Disk free on the data directory; heap per the Cassandra docs, adjust MAX_HEAP_SIZE")
                .id("heap-and-disk")
                .manual(
                        "replace the node if it does not recover",
                        "Start a new container and let it bootstrap; nodetool status shows it UN when done")
                .id("replace-node")
                .build();
    }

    // ---- shared

    private static void storagePrechecks(Runbook.Builder rb, LakeStorage lake) {
        Objects.requireNonNull(lake, "lake");
        rb.precheck("MinIO is live", lake.minioLive(), HttpHealth.healthy())
                .id("minio-live")
                .precheck("MinIO has write quorum", lake.minioCluster(), HttpHealth.healthy())
                .id("minio-cluster")
                .precheck("Nessie answers", lake.nessieConfig(), HttpHealth.healthy())
                .id("nessie-config");
    }

    private static Condition<JobStatus> running() {
        return Condition.of("is RUNNING", JobStatus::running);
    }

    private static long maxLag(ConsumerLag lag) {
        return lag.partitions().stream().mapToLong(PartitionLag::lag).max().orElse(0);
    }

    private static Condition<ConsumerLag> maxLagAbove(long alert) {
        return Condition.of("has a partition lagging more than " + alert, l -> maxLag(l) > alert);
    }

    private static Condition<ConsumerLag> maxLagAtMost(long alert) {
        return Condition.of("has no partition lagging more than " + alert, l -> maxLag(l) <= alert);
    }

    private static boolean is(TrinoQuery q, String queryId) {
        return q != null && q.queryId().equals(queryId);
    }

    private static void requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name the " + what + ", such as 'orders'");
        }
    }

    private static void requirePositive(String what, long n) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + n);
        }
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }
}
