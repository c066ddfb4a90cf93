package dev.runbook.kafka;

import dev.runbook.kafka.test.KafkaTestCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real KRaft broker (combined broker and controller) in its own JVM ({@code kafka.Kafka}), formatted
 * with {@code kafka.tools.StorageTool}, that a test can kill ({@code kill -9}) and start again on the
 * same port and log directory: for "broker stopped mid-run" tests.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final int port;
    private final String saslUser;
    private final String heap;
    private Process process;

    private KafkaBrokerProcess(Path dir, Path config, int port, String saslUser, String heap) {
        this.dir = dir;
        this.config = config;
        this.port = port;
        this.saslUser = saslUser;
        this.heap = heap;
    }

    static KafkaBrokerProcess startNew() throws Exception {
        return startNew(false, "-Xmx384m");
    }

    /** A plain broker with the given heap option ({@code -Xmx1g}): for benchmarks. */
    static KafkaBrokerProcess startNew(String heap) throws Exception {
        return startNew(false, heap);
    }

    /**
     * A broker whose only client listener is SASL_PLAINTEXT with PLAIN users {@code admin} (a super
     * user) and {@code alice} (no rights until a test grants them), and the KRaft {@code
     * StandardAuthorizer}: for authorisation failures.
     */
    static KafkaBrokerProcess startWithAcls() throws Exception {
        return startNew(true, "-Xmx384m");
    }

    private static KafkaBrokerProcess startNew(boolean acls, String heap) throws Exception {
        Path dir = Files.createTempDirectory("runbook-kafka-broker-");
        int[] ports = freePorts(2); // held open together, so the two are never the same port
        int port = ports[0];
        int controller = ports[1];
        String client = acls ? "SASL_PLAINTEXT" : "PLAINTEXT";
        List<String> lines = new java.util.ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=" + client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=" + client + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + client,
                "listener.security.protocol.map=" + client + ":" + client + ",CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false"));
        if (acls) {
            lines.addAll(List.of(
                    "sasl.enabled.mechanisms=PLAIN",
                    "sasl.mechanism.inter.broker.protocol=PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config="
                            + "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"admin\" password=\"admin-secret\""
                            + " user_admin=\"admin-secret\" user_alice=\"alice-secret\";",
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    // the controller listener is PLAINTEXT (principal ANONYMOUS), reachable by the node only
                    "super.users=User:admin;User:ANONYMOUS"));
        }
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n", lines) + "\n");
        Process format = java(
                        "-Xmx384m",
                        "kafka.tools.StorageTool",
                        "format",
                        "--cluster-id=" + uuid(),
                        "-c",
                        config.toString())
                .redirectOutput(dir.resolve("format.log").toFile())
                .redirectErrorStream(true)
                .start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the broker's log dir failed; see " + dir.resolve("format.log"));
        }
        KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, config, port, acls ? "admin" : null, heap);
        broker.start();
        return broker;
    }

    /**
     * Client settings for this broker: bootstrap servers, and for a broker with ACLs the SASL login of
     * {@code user} ({@code admin} or {@code alice}).
     */
    Map<String, Object> clientConfig(String user) {
        Map<String, Object> c = new java.util.HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (saslUser != null) {
            c.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            c.put(org.apache.kafka.common.config.SaslConfigs.SASL_MECHANISM, "PLAIN");
            c.put(
                    org.apache.kafka.common.config.SaslConfigs.SASL_JAAS_CONFIG,
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                            + "\" password=\"" + user + "-secret\";");
        }
        return c;
    }

    /**
     * A cluster id. Kafka's own never starts with '-' (a URL-safe base64 id may, and the storage tool then
     * took it for an option: one format in 64 failed); "--cluster-id=" keeps it an argument regardless.
     */
    private static String uuid() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    /** Starts (or restarts) the broker process and waits until it answers. */
    void start() throws Exception {
        process = java(heap, "kafka.Kafka", config.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.log").toFile()))
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Object> probe = clientConfig(saslUser);
        probe.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        probe.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(probe)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    admin.listTopics().names().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "the broker process did not come up; see " + dir.resolve("broker.log"), e);
                    }
                    KafkaTestCluster.sleep(200);
                }
            }
        }
    }

    /** Kills the broker process like a crash ({@code kill -9}). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }

    /** CPU time the broker process has used so far (0 when it is not running). */
    long cpuNanos() {
        return process == null
                ? 0
                : process.toHandle()
                        .info()
                        .totalCpuDuration()
                        .map(java.time.Duration::toNanos)
                        .orElse(0L);
    }

    private static ProcessBuilder java(String heap, String mainClass, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap,
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** {@code n} distinct free loopback ports: every socket stays open until all are chosen. */
    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
