package dev.runbook.cassandra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Cassandra node ({@code cassandra-all}, {@code CassandraDaemon}) in a child JVM, for the tests: its
 * own temp directory, free storage and native ports on a loopback address, a generated {@code
 * cassandra.yaml}, JMX off. A second node joins on another loopback address ({@code 127.0.0.2}) with the
 * same ports. The server's class path is the file {@code target/cassandra-node.classpath} the build
 * writes (see the module's pom), not this JVM's.
 *
 * <pre>{@code
 * Ports ports = CassandraTestNode.freePorts("127.0.0.1", "127.0.0.2");
 * List<String> seeds = List.of("127.0.0.1", "127.0.0.2");   // both seeds: they may start at the same time
 * CassandraTestNode first = CassandraTestNode.start("127.0.0.1", ports, seeds);
 * CassandraTestNode second = CassandraTestNode.start("127.0.0.2", ports, seeds);
 * second.kill();   // kill -9
 * }</pre>
 */
final class CassandraTestNode implements AutoCloseable {

    static final String DATACENTER = "datacenter1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** The storage (gossip) and native (CQL) ports a node listens on. */
    record Ports(int storage, int nativeTransport) {}

    private final String address;
    private final Ports ports;
    private final Path dir;
    private final Process process;
    private final Duration startTime;

    private CassandraTestNode(String address, Ports ports, Path dir, Process process, Duration startTime) {
        this.address = address;
        this.ports = ports;
        this.dir = dir;
        this.process = process;
        this.startTime = startTime;
    }

    /** Two ports free on every one of {@code addresses}. */
    static Ports freePorts(String... addresses) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int storage = freePort(addresses[0]);
            int cql = freePort(addresses[0]);
            if (storage != cql && allFree(storage, addresses) && allFree(cql, addresses)) {
                return new Ports(storage, cql);
            }
        }
        throw new IllegalStateException("no two free ports on " + List.of(addresses));
    }

    /** Starts a single node on {@code address}, its own seed. */
    static CassandraTestNode start(String address, Ports ports) {
        return start(address, ports, List.of(address));
    }

    /**
     * Starts a node on {@code address} and waits until it answers on its native port; {@code seeds} are the
     * addresses of the seed nodes (all on the same storage port).
     */
    static CassandraTestNode start(String address, Ports ports, List<String> seeds) {
        return start(address, ports, seeds, null);
    }

    /**
     * As {@link #start(String, Ports, List)}, in data center {@code datacenter} (rack1) through
     * GossipingPropertyFileSnitch; null: SimpleSnitch, whose data center is {@code datacenter1}.
     */
    static CassandraTestNode start(String address, Ports ports, List<String> seeds, String datacenter) {
        long t0 = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("cassandra-" + address + "-");
            Files.writeString(dir.resolve("cassandra.yaml"), yaml(address, ports, seeds, dir, datacenter));
            Files.writeString(
                    dir.resolve("cassandra-rackdc.properties"),
                    "dc=" + (datacenter == null ? DATACENTER : datacenter) + "\nrack=rack1\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(
                "-Xms256m",
                "-Xmx1g",
                "-XX:+UseG1GC",
                "-Xss256k",
                "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true",
                "-Dcassandra.config=" + dir.resolve("cassandra.yaml").toUri(),
                "-Dcassandra-rackdc.properties="
                        + dir.resolve("cassandra-rackdc.properties").toUri(),
                "-Dcassandra-foreground=true",
                "-Dcassandra.storagedir=" + dir,
                "-Dcassandra.logdir=" + dir.resolve("logs"),
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=1000",
                "-Djdk.attach.allowAttachSelf=true",
                "-Dio.netty.tryReflectionSetAccessible=true"));
        cmd.addAll(JDK17_OPTIONS);
        cmd.addAll(List.of("-cp", serverClassPath(), "org.apache.cassandra.service.CassandraDaemon"));
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("output.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening(address, ports.nativeTransport())) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Cassandra on " + address + " exited with " + p.exitValue()
                        + " before it listened on " + ports.nativeTransport() + ":\n" + tail(dir));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("Cassandra on " + address + " did not listen on "
                        + ports.nativeTransport() + " within " + START_TIMEOUT + ":\n" + tail(dir));
            }
            sleep(100);
        }
        return new CassandraTestNode(address, ports, dir, p, Duration.ofNanos(System.nanoTime() - t0));
    }

    String address() {
        return address;
    }

    Ports ports() {
        return ports;
    }

    /** {@code address:nativePort}, as {@code CassandraActions.connect} takes it. */
    String contactPoint() {
        return address + ":" + ports.nativeTransport();
    }

    /** From the start of the child JVM to the native port listening. */
    Duration startTime() {
        return startTime;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** {@code kill -9}: the node goes away without telling anyone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        // the data dies with the temp dir: no drain, no SIGTERM (which takes ~4.5 s), just kill -9
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }

    @Override
    public String toString() {
        return "Cassandra " + contactPoint() + " (" + dir + ")";
    }

    private static String yaml(String address, Ports ports, List<String> seeds, Path dir, String datacenter) {
        String seedList = String.join(
                ",", seeds.stream().map(s -> s + ":" + ports.storage()).toList());
        return String.join(
                "\n",
                "cluster_name: runbook-test",
                "num_tokens: 16",
                "allocate_tokens_for_local_replication_factor: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "auto_bootstrap: false",
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "commitlog_directory: " + dir.resolve("commitlog"),
                "data_file_directories: [" + dir.resolve("data") + "]",
                "saved_caches_directory: " + dir.resolve("saved_caches"),
                "hints_directory: " + dir.resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("cdc_raw"),
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"" + seedList + "\"",
                "listen_address: " + address,
                "rpc_address: " + address,
                "storage_port: " + ports.storage(),
                "native_transport_port: " + ports.nativeTransport(),
                "start_native_transport: true",
                "endpoint_snitch: " + (datacenter == null ? "SimpleSnitch" : "GossipingPropertyFileSnitch"),
                "memtable_heap_space: 64MiB",
                "memtable_offheap_space: 64MiB",
                "concurrent_compactors: 1",
                "phi_convict_threshold: 5",
                "");
    }

    private static String serverClassPath() {
        String file = System.getProperty("cassandra.node.classpath", "target/cassandra-node.classpath");
        Path path = Paths.get(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no Cassandra server class path at " + path.toAbsolutePath()
                    + "; the build writes it: run ./mvnw -pl runbook-cassandra verify (or generate-test-resources)"
                    + " so that the invoker resolves cassandra-all into it");
        }
        try {
            return Files.readString(path, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listening(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + address + " (127.0.0.2 needs the whole 127/8 on lo)", e);
        }
    }

    private static boolean allFree(int port, String... addresses) {
        for (String a : addresses) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(a, port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static String tail(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("output.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Cassandra started", e);
        }
    }

    /** Cassandra's {@code conf/jvm17-server.options}: without them it fails on {@code sun.nio.ch.DirectBuffer}. */
    private static final List<String> JDK17_OPTIONS = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports=java.sql/java.sql=ALL-UNNAMED",
            "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED");
}
