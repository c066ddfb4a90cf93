package dev.runbook.kafka;

import dev.runbook.core.LibraryFloor;
import dev.runbook.core.Probe;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The Kafka entry point: consumer-group offsets, lag and partition health (and DLQ replay, Connect) on
 * one cluster.
 *
 * <pre>{@code
 * KafkaActions kafka = KafkaActions.connect("127.0.0.1:9092");          // JShell
 * KafkaActions kafka = KafkaActions.of(admin, clientConfig);            // your configured client
 * kafka.consumerLag("billing").read().total();
 * kafka.resetOffsets("billing").partitions("orders", 3).toOffset(1043);
 * }</pre>
 */
public final class KafkaActions implements AutoCloseable {

    private final Admin admin;
    private final Map<String, Object> clientConfig;
    private final boolean ownsAdmin;
    private final OffsetReader reader;

    /**
     * The oldest kafka-clients this module works with (it compiles against 4.1.0 and is tested with the
     * version in the BOM): checked when a {@code KafkaActions} is made, before the client is used.
     */
    public static final LibraryFloor KAFKA_CLIENTS = new LibraryFloor(
            "org.apache.kafka:kafka-clients",
            "4.1.0",
            "Admin.listGroups(ListGroupsOptions) and CloseOptions",
            "org.apache.kafka.clients.consumer.CloseOptions");

    private KafkaActions(Admin admin, Map<String, Object> clientConfig, boolean ownsAdmin) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.clientConfig = Map.copyOf(clientConfig);
        this.ownsAdmin = ownsAdmin;
        Object servers = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.reader = new OffsetReader(
                admin, "kafka " + (servers == null ? "(admin client)" : servers), ClusterCheck.of(admin, clientConfig));
    }

    /** Refuses an older kafka-clients on the class path, naming the version found and the one needed. */
    private static void requireClientFloor() {
        KAFKA_CLIENTS.require(clientVersion(), Admin.class.getClassLoader());
    }

    /**
     * The version of the kafka-clients jar that {@link Admin} comes from (its {@code
     * kafka/kafka-version.properties}); other Kafka jars on the class path carry the same file, so the
     * class loader's first one may be theirs. {@link AppInfoParser#getVersion()} when not from a jar.
     */
    private static String clientVersion() {
        try {
            var source = Admin.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation().getPath().endsWith(".jar")) {
                try (var jar = new java.util.jar.JarFile(
                        new java.io.File(source.getLocation().toURI()))) {
                    var entry = jar.getEntry("kafka/kafka-version.properties");
                    if (entry != null) {
                        var props = new java.util.Properties();
                        try (var in = jar.getInputStream(entry)) {
                            props.load(in);
                        }
                        String v = props.getProperty("version");
                        if (v != null) {
                            return v.trim();
                        }
                    }
                }
            }
        } catch (java.io.IOException | java.net.URISyntaxException | SecurityException e) {
            // fall back to what the client says of itself
        }
        return AppInfoParser.getVersion();
    }

    /** Connects to {@code bootstrapServers} (such as {@code 127.0.0.1:9092}) with default settings. */
    public static KafkaActions connect(String bootstrapServers) {
        return connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Connects with a client configuration (bootstrap servers, security); the same map configures the
     * producers and consumers the actions create. {@link #close()} closes the admin client.
     */
    public static KafkaActions connect(Map<String, Object> clientConfig) {
        requireClientFloor();
        if (!clientConfig.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("the client config needs bootstrap.servers");
        }
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (org.apache.kafka.common.KafkaException e) {
            // "Failed to create new KafkaAdminClient" hides the reason; only the bootstrap reasons are shown
            // here (the message of another setting's ConfigException may quote its value, a password)
            if (e.getCause() instanceof org.apache.kafka.common.config.ConfigException c
                    && String.valueOf(c.getMessage()).contains("bootstrap")) {
                throw new IllegalArgumentException(
                        "cannot use bootstrap.servers '"
                                + clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + "': " + c.getMessage()
                                + "; write host:port[,host:port...] of brokers this machine can resolve and reach,"
                                + " e.g. 127.0.0.1:9092",
                        e);
            }
            throw e;
        }
        return new KafkaActions(admin, clientConfig, true);
    }

    /** Uses your admin client (not closed by {@link #close()}); actions needing producers use no config. */
    public static KafkaActions of(Admin admin) {
        requireClientFloor();
        return new KafkaActions(admin, Map.of(), false);
    }

    /** Uses your admin client, and {@code clientConfig} for the producers and consumers actions create. */
    public static KafkaActions of(Admin admin, Map<String, Object> clientConfig) {
        requireClientFloor();
        return new KafkaActions(admin, clientConfig, false);
    }

    /** The admin client. */
    public Admin admin() {
        return admin;
    }

    /** The client configuration for producers and consumers (may be empty when built from an Admin). */
    public Map<String, Object> clientConfig() {
        return clientConfig;
    }

    // ---- offsets

    /** Starts a reset of {@code group}'s committed offsets; name the partitions, then the strategy. */
    public ResetOffsetsBuilder resetOffsets(String group) {
        return new ResetOffsetsBuilder(reader, group);
    }

    /** An action that writes every consumer group's committed offsets to {@code file} (CSV, or JSON for .json). */
    public ExportOffsets exportOffsets(Path file) {
        return new ExportOffsets(reader, file, java.util.Set.of());
    }

    /** An action that writes the committed offsets of these groups only to {@code file}. */
    public ExportOffsets exportOffsets(Path file, String... groups) {
        if (groups.length == 0) {
            throw new IllegalArgumentException("name at least one group, or use exportOffsets(file) for every group");
        }
        return new ExportOffsets(reader, file, java.util.Set.of(groups));
    }

    /** Reads every consumer group's committed offsets now. */
    public OffsetSnapshot offsets(Clock clock) {
        return OffsetSnapshot.read(reader, clock, java.util.Set.of());
    }

    // ---- topics

    /**
     * An action that raises {@code topic}'s partition count to {@code partitions} ({@code kafka-topics
     * --alter --partitions}); a smaller count is refused, the same count is unchanged, there is no inverse.
     *
     * <pre>{@code
     * kafka.addPartitions("orders", 12).plan(ctx);   // add 6 partitions to topic 'orders' (6 -> 12)
     * }</pre>
     *
     * @throws IllegalArgumentException for a blank topic or a count below 1
     */
    public AddPartitions addPartitions(String topic, int partitions) {
        return new AddPartitions(reader, topic, partitions);
    }

    // ---- probes

    /** Lag of one group: per partition, per topic and total (log end minus committed). */
    public Probe<ConsumerLag> consumerLag(String group) {
        return Probe.of(
                reader.target() + " lag of group '" + group + "'",
                reader.endpoint(),
                () -> ConsumerLag.read(reader, group));
    }

    /** Lag of every consumer group. */
    public Probe<Map<String, ConsumerLag>> consumerLag() {
        return Probe.of(reader.target() + " lag of every group", reader.endpoint(), () -> ConsumerLag.readAll(reader));
    }

    /**
     * The state of consumer group {@code group} as {@code kafka-consumer-groups --describe --state} prints
     * it: {@code Stable}, {@code Empty}, {@code PreparingRebalance}, {@code Dead} (no such group), ...
     *
     * <pre>{@code
     * .precheck("the group is stuck", kafka.groupState("orders"), Conditions.equalTo("Stable"))
     * }</pre>
     */
    public Probe<String> groupState(String group) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("name the consumer group, such as 'orders'");
        }
        return Probe.of(
                reader.target() + " state of group '" + group + "'",
                reader.endpoint(),
                () -> reader.describe(group).state().toString());
    }

    /** Under-replicated and offline partitions of every topic. */
    public Probe<PartitionHealth> partitionHealth() {
        return Probe.of(reader.target() + " partition health", reader.endpoint(), () -> PartitionHealth.read(reader));
    }

    /** The number of under-replicated partitions (ISR smaller than the replica set). */
    public Probe<Integer> underReplicatedPartitions() {
        return partitionHealth().map(reader.target() + " under-replicated partitions", h -> h.underReplicated()
                .size());
    }

    /** The number of offline partitions (no leader). */
    public Probe<Integer> offlinePartitions() {
        return partitionHealth()
                .map(reader.target() + " offline partitions", h -> h.offline().size());
    }

    /** The number of live brokers. */
    public Probe<Integer> brokerCount() {
        return Probe.of(reader.target() + " broker count", reader.endpoint(), () -> KafkaErrors.await(
                        admin.describeCluster().nodes(), reader.target(), "describing the cluster")
                .size());
    }

    /** The log end offset of every partition of {@code topic}, in partition order. */
    public Probe<Map<TopicPartition, Long>> endOffsets(String topic) {
        return Probe.of(reader.target() + " end offsets of " + topic, reader.endpoint(), () -> {
            int n = reader.partitionCounts(List.of(topic)).get(topic);
            List<TopicPartition> all = java.util.stream.IntStream.range(0, n)
                    .mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            Map<TopicPartition, Long> ordered = new java.util.TreeMap<>(ResetPlanner.ORDER);
            ordered.putAll(reader.offsets(all, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return java.util.Collections.unmodifiableMap(ordered);
        });
    }

    /** Closes the admin client if {@link #connect} created it. */
    // ---- DLQ replay and Kafka Connect

    /** Replays DLQ topic {@code dlqTopic} exactly once into the records' origin or a chosen target. */
    public ReplayDlq replayDlq(String dlqTopic, dev.runbook.core.replay.ReplaySelection selection) {
        return new ReplayDlq(admin, clientConfig, dlqTopic, selection, null);
    }

    /** The Kafka Connect REST API at {@code restUrl} (such as {@code http://127.0.0.1:8083}). */
    public KafkaConnect kafkaConnect(String restUrl) {
        return KafkaConnect.connect(restUrl);
    }

    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return "KafkaActions[" + reader.target() + "]";
    }
}
