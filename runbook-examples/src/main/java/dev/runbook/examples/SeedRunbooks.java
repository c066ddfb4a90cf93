package dev.runbook.examples;

import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.http.Http;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.ParameterSpec;
import dev.runbook.core.registry.ParameterType;
import dev.runbook.core.registry.RunbookProvider;
import dev.runbook.core.registry.RunbookSpec;
import dev.runbook.elasticsearch.ElasticsearchActions;
import dev.runbook.k8s.K8sActions;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.KafkaConnect;
import dev.runbook.mongo.MongoActions;
import dev.runbook.redis.RedisActions;
import dev.runbook.sql.SqlActions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The seed runbooks (seeds/000) in the registry, so that the {@code runbook} command, JShell and bots find
 * them by id: {@code RunbookRegistry.load().find("INC-004")}. Registered in {@code
 * META-INF/services/dev.runbook.core.registry.RunbookProvider}. Adding one is one entry in {@link
 * #runbooks()}: its id and title, its parameters with the seed's values as defaults, the connections it
 * needs, and a factory that opens them with {@code args.closeLater(...)} and calls the runbook's class.
 *
 * <pre>{@code
 * RunbookRegistry registry = RunbookRegistry.load();
 * try (RunbookArguments args = registry.arguments("INC-004", Map.of("alertRatio", "0.95"),
 *         Map.of("redis", Connection.of("redis", "redis://127.0.0.1:6379")))) {
 *     Plan plan = engine.plan(registry.find("INC-004").build(args));
 * }
 * }</pre>
 */
public final class SeedRunbooks implements RunbookProvider {

    @Override
    public List<RunbookSpec> runbooks() {
        return List.of(
                dispatchEngineDown(),
                paymentWebhookDlq(),
                mySqlReplicaLag(),
                redisOom(),
                integrationCircuitBreaker(),
                kafkaBrokerDown(),
                consumerLagPoisonMessage(),
                debeziumConnectorCrashed(),
                elasticsearchDrift(),
                walletReconciliation(),
                fraudPartnerFreeze(),
                fraudPartnerUnfreeze(),
                crossRegionReplicationLag(),
                dlqFlood(),
                dataIntegrityIssue(),
                runawayDlqGrowth());
    }

    @Override
    public String name() {
        return "seed runbooks (runbook-examples)";
    }

    /** INC-004 Redis OOM: {@link RedisOom}. */
    static RunbookSpec redisOom() {
        return RunbookSpec.builder("INC-004", "Redis OOM")
                .severity(Severity.SEV2)
                .description("Delete " + RedisOom.STOCK_PATTERN + " with SCAN and UNLINK (session:* and lock:*"
                        + " protected), set maxmemory-policy allkeys-lru, wait for memory to fall, tell the team")
                .connection("redis", "redis", "the Redis node that is out of memory (password: a secret setting)")
                .parameter(ParameterSpec.of(
                        "alertRatio", ParameterType.DECIMAL, "0.9", "used/maxmemory above which the runbook applies"))
                .parameter(ParameterSpec.of(
                        "resolvedRatio", ParameterType.DECIMAL, "0.7", "used/maxmemory below which it is resolved"))
                .parameter(ParameterSpec.of(
                        "recoveryTimeout", ParameterType.DURATION, "2m", "how long memory may take to fall"))
                .build(args -> RedisOom.runbook(
                        args.closeLater(redis(args.connection("redis"))),
                        args.decimal("alertRatio"),
                        args.decimal("resolvedRatio"),
                        args.duration("recoveryTimeout")));
    }

    /** INC-005 Integration circuit breaker triggered: {@link IntegrationCircuitBreaker}. */
    static RunbookSpec integrationCircuitBreaker() {
        return RunbookSpec.builder("INC-005", "Integration circuit breaker triggered")
                .severity(Severity.SEV2)
                .description("Check the dependency is healthy and the breaker OPEN, half-open it through the"
                        + " admin API, wait until integration-svc is healthy, verify the breaker CLOSED")
                .connection(
                        "integration-svc",
                        "http",
                        "integration-svc's base URL; token: the admin API's bearer token (a secret setting)")
                .parameter(ParameterSpec.of(
                        "dependency", ParameterType.STRING, IntegrationService.DEPENDENCY, "the breaker's dependency"))
                .parameter(
                        ParameterSpec.required("dependencyHealth", ParameterType.STRING, "the dependency's health URL"))
                .build(args -> {
                    Connection svc = args.connection("integration-svc");
                    Secret token = svc.secret("token")
                            .orElseThrow(
                                    () -> new IllegalArgumentException(
                                            "INC-005 needs the admin token: set integration-svc.token=env:NAME in the profile"));
                    return IntegrationCircuitBreaker.runbook(
                            svc.url(),
                            args.string("dependencyHealth"),
                            args.string("dependency"),
                            Secret.of("Bearer " + token.reveal()));
                });
    }

    /** INC-001 Dispatch engine down: {@link DispatchEngineDown}. */
    static RunbookSpec dispatchEngineDown() {
        return RunbookSpec.builder("INC-001", "Dispatch engine down")
                .severity(Severity.SEV1)
                .description("Pod health and the dispatch queue, ENABLE_AUTO_DISPATCH off, restart the deployment,"
                        + " flag on, scale up until the queue drains and back, tell the team")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .connection("redis", "redis", "the Redis that holds the dispatch queue (password: a secret setting)")
                .parameter(ParameterSpec.of(
                        "namespace", ParameterType.STRING, DispatchEngineDown.NAMESPACE, "the deployment's namespace"))
                .parameter(ParameterSpec.of(
                        "deployment", ParameterType.STRING, DispatchEngineDown.DEPLOYMENT, "the dispatch engine"))
                .parameter(ParameterSpec.of(
                        "flags",
                        ParameterType.STRING,
                        DispatchEngineDown.FLAGS,
                        "the ConfigMap with ENABLE_AUTO_DISPATCH"))
                .parameter(ParameterSpec.of(
                        "queue", ParameterType.STRING, DispatchEngineDown.QUEUE, "the Redis list of waiting orders"))
                .parameter(ParameterSpec.of(
                        "scaleTo",
                        ParameterType.INTEGER,
                        String.valueOf(DispatchEngineDown.SCALE_TO),
                        "replicas while the queue drains"))
                .parameter(ParameterSpec.of(
                        "backlog",
                        ParameterType.INTEGER,
                        String.valueOf(DispatchEngineDown.BACKLOG),
                        "queue length that counts as a backlog"))
                .parameter(ParameterSpec.of(
                        "drainTimeout", ParameterType.DURATION, "5m", "how long the queue may take to drain"))
                .build(args -> DispatchEngineDown.runbook(
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        args.closeLater(redis(args.connection("redis"))),
                        args.string("namespace"),
                        args.string("deployment"),
                        args.string("flags"),
                        args.string("queue"),
                        Math.toIntExact(args.integer("scaleTo")),
                        args.integer("backlog"),
                        args.duration("drainTimeout")));
    }

    /** INC-002 Payment webhook failed: {@link PaymentWebhookDlq}. */
    static RunbookSpec paymentWebhookDlq() {
        return RunbookSpec.builder("INC-002", "Payment webhook failed")
                .severity(Severity.SEV1)
                .description("DLQ depth of event_log, replay each event through POST /admin/events/{id}/replay"
                        + " with its id as the Idempotency-Key, verify drained")
                .connection("mongo", "mongodb", "the MongoDB URI; database: a setting (default smp)")
                .connection(
                        "admin",
                        "http",
                        "the replay endpoint's URL template with {id}; token: its bearer token (a secret setting)")
                .parameter(ParameterSpec.of(
                        "collection", ParameterType.STRING, PaymentWebhookDlq.COLLECTION, "the DLQ collection"))
                .parameter(ParameterSpec.of(
                        "eventType", ParameterType.STRING, PaymentWebhookDlq.EVENT_TYPE, "the events to replay"))
                .parameter(ParameterSpec.of(
                        "maxAttempts",
                        ParameterType.INTEGER,
                        String.valueOf(PaymentWebhookDlq.MAX_ATTEMPTS),
                        "replays of one event before it is parked"))
                .parameter(ParameterSpec.of(
                        "maxRate",
                        ParameterType.DECIMAL,
                        String.valueOf(PaymentWebhookDlq.MAX_RATE),
                        "events per second at most"))
                .build(args -> {
                    Connection mongo = args.connection("mongo");
                    Connection admin = args.connection("admin");
                    var endpoint = Http.replayEndpoint(admin.url());
                    admin.secret("token")
                            .ifPresent(t -> endpoint.header("Authorization", Secret.of("Bearer " + t.reveal())));
                    return PaymentWebhookDlq.runbook(
                            args.closeLater(MongoActions.connect(
                                    mongo.url(), mongo.setting("database").orElse("smp"))),
                            endpoint.build(),
                            args.string("collection"),
                            args.string("eventType"),
                            Math.toIntExact(args.integer("maxAttempts")),
                            args.decimal("maxRate"));
                });
    }

    /** INC-003 MySQL replica lag > 30s: {@link MySqlReplicaLag}. */
    static RunbookSpec mySqlReplicaLag() {
        return RunbookSpec.builder("INC-003", "MySQL replica lag > 30s")
                .severity(Severity.SEV2)
                .description("Replica lag and the blocking query, kill it, skip one failing event with a"
                        + " justification, planned promotion of the replica, verify")
                .connection("replica", "jdbc", "the lagging replica's JDBC URL; user: a setting; password: a secret")
                .connection("primary", "jdbc", "the primary's JDBC URL; user: a setting; password: a secret")
                .parameter(ParameterSpec.required(
                        "justification", ParameterType.STRING, "why skipping one replication event is safe (audited)"))
                .build(args -> MySqlReplicaLag.runbook(
                        args.closeLater(sql(args.connection("replica"))),
                        args.closeLater(sql(args.connection("primary"))),
                        args.string("justification")));
    }

    /** INC-009 Elasticsearch read model drift: {@link ElasticsearchDrift}. */
    static RunbookSpec elasticsearchDrift() {
        return RunbookSpec.builder("INC-009", "Elasticsearch read model drift")
                .severity(Severity.SEV3)
                .description("Cluster health and disk, delete old indices by name within a budget, reindex into"
                        + " the corrected mapping and swap the alias")
                .connection("elasticsearch", "http", "the cluster's URL; apiKey: a secret setting")
                .parameter(ParameterSpec.of(
                        "oldIndices", ParameterType.STRING, ElasticsearchDrift.OLD_INDICES, "the indices to delete"))
                .parameter(ParameterSpec.of(
                        "maxIndices",
                        ParameterType.INTEGER,
                        String.valueOf(ElasticsearchDrift.MAX_INDICES),
                        "most indices one run may delete"))
                .parameter(ParameterSpec.of(
                        "maxBytes",
                        ParameterType.INTEGER,
                        String.valueOf(ElasticsearchDrift.MAX_BYTES),
                        "most bytes one run may delete"))
                .parameter(ParameterSpec.of("minAge", ParameterType.DURATION, "1d", "only indices older than this"))
                .parameter(ParameterSpec.of("alias", ParameterType.STRING, ElasticsearchDrift.ALIAS, "the read alias"))
                .parameter(ParameterSpec.of(
                        "source", ParameterType.STRING, ElasticsearchDrift.SOURCE, "the index the alias points to"))
                .parameter(ParameterSpec.of(
                        "dest", ParameterType.STRING, ElasticsearchDrift.DEST, "the index with the corrected mapping"))
                .build(args -> {
                    Connection c = args.connection("elasticsearch");
                    ElasticsearchActions es = c.secret("apiKey")
                            .map(k -> ElasticsearchActions.connect(c.url(), k))
                            .orElseGet(() -> ElasticsearchActions.connect(c.url()));
                    return ElasticsearchDrift.runbook(
                            args.closeLater(es),
                            args.string("oldIndices"),
                            args.integer("maxIndices"),
                            args.integer("maxBytes"),
                            args.duration("minAge"),
                            args.string("alias"),
                            args.string("source"),
                            args.string("dest"));
                });
    }

    /** INC-006 Kafka broker down: {@link KafkaBrokerDown}. */
    static RunbookSpec kafkaBrokerDown() {
        return RunbookSpec.builder("INC-006", "Kafka broker down")
                .severity(Severity.SEV1)
                .description("Under-replicated and offline partitions, restart the brokers' StatefulSet, verify"
                        + " under-replicated partitions back to 0")
                .connection("kafka", "kafka", "the cluster's bootstrap servers")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .parameter(ParameterSpec.of(
                        "namespace", ParameterType.STRING, KafkaBrokerDown.NAMESPACE, "the brokers' namespace"))
                .parameter(ParameterSpec.of(
                        "statefulSet", ParameterType.STRING, KafkaBrokerDown.STATEFUL_SET, "the brokers' StatefulSet"))
                .parameter(ParameterSpec.of(
                        "brokers", ParameterType.INTEGER, String.valueOf(KafkaBrokerDown.BROKERS), "brokers expected"))
                .parameter(ParameterSpec.of(
                        "recoveryTimeout", ParameterType.DURATION, "15m", "how long replication may take to recover"))
                .build(args -> KafkaBrokerDown.runbook(
                        args.closeLater(kafka(args.connection("kafka"))),
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        args.string("namespace"),
                        args.string("statefulSet"),
                        Math.toIntExact(args.integer("brokers")),
                        args.duration("recoveryTimeout")));
    }

    /** INC-007 Consumer lag and a poison message: {@link ConsumerLagPoisonMessage}. */
    static RunbookSpec consumerLagPoisonMessage() {
        return RunbookSpec.builder("INC-007", "Consumer lag and a poison message")
                .severity(Severity.SEV2)
                .description("Lag per partition, stop the consumers, skip the poison offset on its partition, scale"
                        + " the consumers up (never above the partition count read from Kafka), verify lag falling")
                .connection("kafka", "kafka", "the cluster's bootstrap servers")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .parameter(ParameterSpec.required(
                        "poisonOffset", ParameterType.INTEGER, "the offset of the poison message on its partition"))
                .build(args -> ConsumerLagPoisonMessage.runbook(
                        args.closeLater(kafka(args.connection("kafka"))),
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        args.integer("poisonOffset")));
    }

    /** INC-008 Debezium connector crashed: {@link DebeziumConnectorCrashed}. */
    static RunbookSpec debeziumConnectorCrashed() {
        return RunbookSpec.builder("INC-008", "Debezium connector crashed")
                .severity(Severity.SEV2)
                .description("Connector status, restart the connector and its failed tasks, verify RUNNING")
                .connection(
                        "connect",
                        "http",
                        "the Kafka Connect REST URL, such as " + DebeziumConnectorCrashed.CONNECT_URL)
                .parameter(ParameterSpec.of(
                        "connector", ParameterType.STRING, DebeziumConnectorCrashed.CONNECTOR, "the connector"))
                .parameter(ParameterSpec.of(
                        "runningTimeout", ParameterType.DURATION, "2m", "how long it may take to be RUNNING"))
                .build(args -> DebeziumConnectorCrashed.runbook(
                        KafkaConnect.connect(args.connection("connect").url()),
                        args.string("connector"),
                        args.duration("runningTimeout")));
    }

    /** INC-012 Cross-region replication lag: {@link CrossRegionReplicationLag}, one connection per context. */
    static RunbookSpec crossRegionReplicationLag() {
        RunbookSpec.Builder b = RunbookSpec.builder("INC-012", "Cross-region replication lag")
                .severity(Severity.SEV2)
                .description("Lag from MirrorMaker's metrics and the replication agents in smp-asia, smp-china and"
                        + " smp-us; wait for a network blip, restart mirrormaker-to-cn in smp-asia if the lag stays,"
                        + " scale it to 3 until the lag is under 30 s and back, verify every region");
        for (String context : REGIONS) {
            b.connection(
                    context,
                    "kubernetes",
                    "context " + context + ": url = its kubeconfig context (such as "
                            + context + "); kubeconfig: its path (a setting; default ~/.kube/config)"
                            + (context.equals("smp-asia") ? "; MirrorMaker runs here" : ""));
        }
        return b.connection(
                        "mirrormaker",
                        "http",
                        "MirrorMaker's Prometheus metrics URL, such as " + CrossRegionReplicationLag.METRICS_URL)
                .parameter(ParameterSpec.of(
                        "namespace",
                        ParameterType.STRING,
                        CrossRegionReplicationLag.NAMESPACE,
                        "the namespace of the agents and of MirrorMaker"))
                .parameter(ParameterSpec.of(
                        "agents", ParameterType.STRING, CrossRegionReplicationLag.AGENTS, "the agents' label selector"))
                .parameter(ParameterSpec.of(
                        "deployment",
                        ParameterType.STRING,
                        CrossRegionReplicationLag.MIRROR_MAKER,
                        "MirrorMaker's Deployment in smp-asia"))
                .parameter(ParameterSpec.of(
                        "metric",
                        ParameterType.STRING,
                        CrossRegionReplicationLag.LAG_METRIC,
                        "the lag metric (seconds)"))
                .parameter(ParameterSpec.of(
                        "region", ParameterType.STRING, CrossRegionReplicationLag.REGION, "the metric's region label"))
                .parameter(ParameterSpec.of(
                        "scaleTo",
                        ParameterType.INTEGER,
                        String.valueOf(CrossRegionReplicationLag.SCALE_TO),
                        "MirrorMaker replicas while the lag catches up"))
                .parameter(ParameterSpec.of(
                        "alertSeconds", ParameterType.DECIMAL, "60", "lag above which the runbook applies"))
                .parameter(
                        ParameterSpec.of("hotSeconds", ParameterType.DECIMAL, "30", "lag under which it is resolved"))
                .parameter(ParameterSpec.of(
                        "blipWait", ParameterType.DURATION, "5m", "how long a network blip may take to recover"))
                .parameter(ParameterSpec.of(
                        "recoveryTimeout", ParameterType.DURATION, "15m", "how long the lag may take to catch up"))
                .build(args -> {
                    List<K8sActions> contexts = REGIONS.stream()
                            .map(c -> args.closeLater(kubernetes(args.connection(c))))
                            .toList();
                    return CrossRegionReplicationLag.runbook(
                            contexts,
                            contexts.get(0),
                            dev.runbook.core.http.Http.metric(
                                            args.connection("mirrormaker").url(), args.string("metric"))
                                    .label("region", args.string("region")),
                            args.string("namespace"),
                            args.string("agents"),
                            args.string("deployment"),
                            Math.toIntExact(args.integer("scaleTo")),
                            args.decimal("alertSeconds"),
                            args.decimal("hotSeconds"),
                            args.duration("blipWait"),
                            args.duration("recoveryTimeout"));
                });
    }

    /** INC-012's contexts, MirrorMaker's first. */
    static final List<String> REGIONS = List.of("smp-asia", "smp-china", "smp-us");

    /** INC-010 Wallet reconciliation mismatch: {@link WalletReconciliation}. */
    static RunbookSpec walletReconciliation() {
        return RunbookSpec.builder("INC-010", "Wallet reconciliation mismatch")
                .severity(Severity.SEV2)
                .description("The day's recon report, stale currency rates and adjustments without a gateway txn;"
                        + " replay the gateway's webhooks for that day in finance-svc while wallets are off (refused"
                        + " above 5%: page the CFO); verify every wallet within tolerance")
                .connection("finance", "jdbc", "the finance database's JDBC URL; user: a setting; password: a secret")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .parameter(ParameterSpec.of(
                        "reportDate",
                        ParameterType.STRING,
                        "yesterday",
                        "the UTC day reconciled: yesterday or yyyy-MM-dd"))
                .parameter(ParameterSpec.of(
                        "tolerancePct",
                        ParameterType.DECIMAL,
                        WalletReconciliation.TOLERANCE_PCT.toPlainString(),
                        "|diff_pct| above this, in percent, is out of tolerance"))
                .parameter(ParameterSpec.of(
                        "toleranceAmount",
                        ParameterType.DECIMAL,
                        WalletReconciliation.TOLERANCE_AMOUNT.toPlainString(),
                        "|diff_amount| above this, in VND, is out of tolerance"))
                .parameter(ParameterSpec.of(
                        "reconcileTimeout",
                        ParameterType.DURATION,
                        "15m",
                        "how long the replay may run and the wallets take to reconcile"))
                .parameter(ParameterSpec.of(
                        "namespace", ParameterType.STRING, WalletReconciliation.NAMESPACE, "finance-svc's namespace"))
                .parameter(ParameterSpec.of(
                        "gateway", ParameterType.STRING, WalletReconciliation.GATEWAY, "the gateway to replay from"))
                .parameter(ParameterSpec.of(
                        "reconTable",
                        ParameterType.STRING,
                        WalletReconciliation.RECON_TABLE,
                        "the reconciliation job's result table"))
                .build(args -> {
                    Clock clock = Clock.systemUTC();
                    return WalletReconciliation.runbook(
                            args.closeLater(sql(args.connection("finance"))),
                            args.closeLater(kubernetes(args.connection("kubernetes"))),
                            WalletReconciliation.reportDate(args.string("reportDate"), clock),
                            BigDecimal.valueOf(args.decimal("tolerancePct")),
                            BigDecimal.valueOf(args.decimal("toleranceAmount")),
                            args.duration("reconcileTimeout"),
                            args.string("namespace"),
                            args.string("gateway"),
                            args.string("reconTable"),
                            clock);
                });
    }

    /** Seed 002, the DLQ flood: {@link DlqFlood}. */
    static RunbookSpec dlqFlood() {
        return RunbookSpec.builder("DLQ-FLOOD", "DLQ flood: replay the dead letters of one topic")
                .severity(Severity.SEV2)
                .description("Replay the DLQ's records of one original topic back to it, exactly once, parking"
                        + " records replayed too often")
                .connection("kafka", "kafka", "the cluster's bootstrap servers")
                .parameter(ParameterSpec.of("dlq", ParameterType.STRING, DlqFlood.DLQ, "the DLQ topic"))
                .parameter(ParameterSpec.of("origin", ParameterType.STRING, DlqFlood.ORIGIN, "the original topic"))
                .parameter(ParameterSpec.of(
                        "alertSize",
                        ParameterType.INTEGER,
                        String.valueOf(DlqFlood.ALERT_SIZE),
                        "records that make a flood"))
                .parameter(ParameterSpec.of("parking", ParameterType.STRING, DlqFlood.PARKING, "the parking topic"))
                .build(args -> DlqFlood.runbook(
                        args.closeLater(kafka(args.connection("kafka"))),
                        args.string("dlq"),
                        args.string("origin"),
                        args.integer("alertSize"),
                        args.string("parking")));
    }

    /** Seed 004 scenario 3, a data integrity issue: {@link DataIntegrityIssue}. */
    static RunbookSpec dataIntegrityIssue() {
        return RunbookSpec.builder("DATA-INTEGRITY", "Data integrity issue: stop, export offsets, reset, resume")
                .severity(Severity.SEV1)
                .description("Scale the pipeline's deployments to 0, export every offset of the group, reset it to"
                        + " a time before the bad data, scale back")
                .connection("kafka", "kafka", "the cluster's bootstrap servers")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .parameter(ParameterSpec.required(
                        "offsetsFile", ParameterType.STRING, "where the exported offsets go (CSV, for the inverse)"))
                .parameter(ParameterSpec.required(
                        "goodAt",
                        ParameterType.STRING,
                        "the last good time, ISO-8601 with offset (2026-11-21T01:00:00Z)"))
                .build(args -> DataIntegrityIssue.runbook(
                        args.closeLater(kafka(args.connection("kafka"))),
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        Path.of(args.string("offsetsFile")),
                        OffsetDateTime.parse(args.string("goodAt"))));
    }

    /** Seed 004 scenario 5, runaway DLQ growth: {@link RunawayDlqGrowth}. */
    static RunbookSpec runawayDlqGrowth() {
        return RunbookSpec.builder("DLQ-GROWTH", "Runaway DLQ growth: replay one error class")
                .severity(Severity.SEV2)
                .description(
                        "Pause the ingester, replay the DLQ records that failed with one exception class," + " resume")
                .connection("kafka", "kafka", "the cluster's bootstrap servers")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .parameter(ParameterSpec.required(
                        "errorClass",
                        ParameterType.STRING,
                        "the exception class, such as java.net.SocketTimeoutException"))
                .build(args -> RunawayDlqGrowth.runbook(
                        args.closeLater(kafka(args.connection("kafka"))),
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        args.string("errorClass")));
    }

    /** INC-011 Fraud detection triggered, scenario 1: {@link FraudPartnerFreeze#runbook}. */
    static RunbookSpec fraudPartnerFreeze() {
        return RunbookSpec.builder("INC-011", "Fraud detection triggered")
                .severity(Severity.SEV1)
                .description("The partner among finance-svc's fraud alerts (and its largest txn against the SBV"
                        + " threshold), freeze its wallet with /app/bin/admin freeze in partner-svc-0 and a"
                        + " justification, verify FROZEN, then the seed's notify, settle, report, evidence steps")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .connection(
                        "finance-svc",
                        "http",
                        "finance-svc's base URL; token: the internal JWT (a secret setting), sent to partner-svc too")
                .connection("partner-svc", "http", "partner-svc's base URL (GET /internal/partners/{id})")
                .parameter(
                        ParameterSpec.required("partner", ParameterType.STRING, "the partner to freeze, such as P001"))
                .parameter(ParameterSpec.required(
                        "justification",
                        ParameterType.STRING,
                        "why (audited, the command's --reason), such as fraud_alert_INC-011-2026-05-28"))
                .parameter(ParameterSpec.of(
                        "namespace", ParameterType.STRING, FraudPartnerFreeze.NAMESPACE, "partner-svc's namespace"))
                .parameter(ParameterSpec.of(
                        "pod", ParameterType.STRING, FraudPartnerFreeze.POD, "the pod that runs the admin command"))
                .parameter(ParameterSpec.of(
                        "hours", ParameterType.INTEGER, String.valueOf(FraudPartnerFreeze.HOURS), "the alerts' window"))
                .build(args -> FraudPartnerFreeze.runbook(
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        args.connection("finance-svc").url(),
                        args.connection("partner-svc").url(),
                        bearer(args.connection("finance-svc"), "INC-011"),
                        args.string("partner"),
                        args.string("justification"),
                        args.string("namespace"),
                        args.string("pod"),
                        Math.toIntExact(args.integer("hours"))));
    }

    /** INC-011 scenario 2, a false positive: {@link FraudPartnerFreeze#unfreeze}. */
    static RunbookSpec fraudPartnerUnfreeze() {
        return RunbookSpec.builder("INC-011-UNFREEZE", "Fraud alert was a false positive: unfreeze the partner")
                .severity(Severity.SEV2)
                .description("The partner is FROZEN, verified by phone, unfreeze its wallet with /app/bin/admin"
                        + " unfreeze and a justification, verify ACTIVE, note it and tune the rule")
                .connection("kubernetes", "kubernetes", KUBERNETES)
                .connection(
                        "partner-svc",
                        "http",
                        "partner-svc's base URL (GET /internal/partners/{id}); token: the internal JWT (a secret)")
                .parameter(ParameterSpec.required(
                        "partner", ParameterType.STRING, "the partner to unfreeze, such as P001"))
                .parameter(ParameterSpec.required(
                        "justification", ParameterType.STRING, "why (audited, the command's --reason)"))
                .parameter(ParameterSpec.of(
                        "namespace", ParameterType.STRING, FraudPartnerFreeze.NAMESPACE, "partner-svc's namespace"))
                .parameter(ParameterSpec.of(
                        "pod", ParameterType.STRING, FraudPartnerFreeze.POD, "the pod that runs the admin command"))
                .build(args -> FraudPartnerFreeze.unfreeze(
                        args.closeLater(kubernetes(args.connection("kubernetes"))),
                        args.connection("partner-svc").url(),
                        bearer(args.connection("partner-svc"), "INC-011-UNFREEZE"),
                        args.string("partner"),
                        args.string("justification"),
                        args.string("namespace"),
                        args.string("pod")));
    }

    private static Secret bearer(Connection c, String id) {
        Secret token = c.secret("token")
                .orElseThrow(() -> new IllegalArgumentException(
                        id + " needs the internal JWT: set " + c.name() + ".token=env:NAME in the profile"));
        return Secret.of("Bearer " + token.reveal());
    }

    private static final String KUBERNETES =
            "the cluster: url = the kubeconfig context; kubeconfig: its path (a setting; default ~/.kube/config)";

    private static KafkaActions kafka(Connection c) {
        return KafkaActions.connect(c.url());
    }

    private static K8sActions kubernetes(Connection c) {
        return c.setting("kubeconfig")
                .map(path -> K8sActions.connect(Path.of(path), c.url()))
                .orElseGet(() -> K8sActions.connect(c.url()));
    }

    private static SqlActions sql(Connection c) {
        Secret password = c.secret("password")
                .orElseThrow(() -> new IllegalArgumentException("connection '" + c.name() + "' needs a password: set "
                        + c.name() + ".password=env:NAME in the profile"));
        return SqlActions.connect(c.url(), c.setting("user").orElse("root"), password);
    }

    private static RedisActions redis(Connection c) {
        return c.secret("password")
                .map(p -> RedisActions.connect(c.url(), p))
                .orElseGet(() -> RedisActions.connect(c.url()));
    }
}
