package dev.runbook.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real {@code redis-server} processes for integration tests: one primary with a replica, and on demand a
 * 3-master cluster or extra servers, each on a free port in a temporary directory, started once per test
 * JVM and stopped at its end.
 *
 * <pre>{@code
 * @ExtendWith(RedisServers.class)
 * class FooIT { RedisServers.Server p = RedisServers.primary(); }
 * }</pre>
 */
public final class RedisServers implements BeforeAllCallback {
    private static final List<Server> STARTED = new CopyOnWriteArrayList<>();
    private static Server primary;
    private static Server replica;
    private static List<Server> cluster;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RedisServers::stopAll, "redis-servers-stop"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root store closes its values when the test JVM's engine finishes
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RedisServers.class.getName(), k -> new Stopper());
    }

    /** Closed by JUnit when the test JVM's engine finishes. */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            stopAll();
        }
    }

    /** A started server. */
    public record Server(int port, Path dir, Process process) {
        public String uri() {
            return "redis://127.0.0.1:" + port;
        }

        public String cli(String... args) {
            return RedisServers.cli(port, args);
        }

        /** Sends SIGSTOP (true) or SIGCONT (false). */
        public void pause(boolean stop) {
            run(List.of("kill", stop ? "-STOP" : "-CONT", String.valueOf(process.pid())));
        }
    }

    /** The shared primary (with a replica attached). */
    public static synchronized Server primary() {
        if (primary == null) {
            primary = start("primary");
            replica = start("replica", "--replicaof", "127.0.0.1", String.valueOf(primary.port()));
            awaitLinkUp(replica);
        }
        return primary;
    }

    /** The shared replica of {@link #primary()}. */
    public static synchronized Server replica() {
        primary();
        return replica;
    }

    /** A fresh primary and replica pair, for tests that change roles. */
    public static List<Server> newPair(String... primaryArgs) {
        Server p = start("pair-primary", primaryArgs);
        Server r = start("pair-replica", "--replicaof", "127.0.0.1", String.valueOf(p.port()));
        awaitLinkUp(r);
        return List.of(p, r);
    }

    /** A fresh standalone server with extra arguments (e.g. {@code --requirepass s3cret}). */
    public static Server standalone(String... args) {
        return start("standalone", args);
    }

    /** A 3-master cluster, created once. */
    public static synchronized List<Server> cluster() {
        if (cluster == null) {
            List<Server> nodes = new ArrayList<>();
            List<String> create = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
            for (int i = 0; i < 3; i++) {
                Server s = start("cluster" + i, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
                nodes.add(s);
                create.add("127.0.0.1:" + s.port());
            }
            create.add("--cluster-yes");
            run(create);
            for (Server s : nodes) {
                await(() -> s.cli("CLUSTER", "INFO").contains("cluster_state:ok"), "cluster state ok on " + s.port());
            }
            cluster = List.copyOf(nodes);
        }
        return cluster;
    }

    /** A free loopback port. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Server start(String name, String... extra) {
        String binary = binary("redis-server");
        try {
            Path dir = Files.createTempDirectory("runbook-redis-" + name + "-");
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(
                    binary,
                    "--port",
                    String.valueOf(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--repl-diskless-sync-delay",
                    "0",
                    "--dir",
                    dir.toString(),
                    "--logfile",
                    dir.resolve("redis.log").toString()));
            cmd.addAll(List.of(extra));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Server s = new Server(port, dir, p);
            STARTED.add(s);
            String what = "redis-server " + name + " on port " + port + " (log " + dir + ")";
            await(
                    () -> {
                        if (!p.isAlive()) {
                            throw new AssertionError(what + " exited with " + p.exitValue() + ": " + log(dir));
                        }
                        return answersPing(port);
                    },
                    what);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitLinkUp(Server r) {
        await(() -> r.cli("INFO", "replication").contains("master_link_status:up"), "replica link up on " + r.port());
    }

    static String cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of(cliBinary(), "-h", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static String cliBinary() {
        return binary("redis-cli");
    }

    private static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " is not on the PATH; the Redis integration tests need a real server:"
                + " install it with 'apt-get install redis-server' (Debian/Ubuntu) and run the build again");
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a Redis server answers {@code PING} on the port ({@code +PONG}, or {@code -NOAUTH} with a
     * password). A bare TCP connect is not enough: a loopback connect to a port in the ephemeral range
     * can connect to itself while nothing listens yet, and a test then meets "connection refused".
     */
    private static boolean answersPing(int port) {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = s.getInputStream().readNBytes(7);
            String line = new String(reply, StandardCharsets.US_ASCII);
            return line.startsWith("+PONG") || line.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void await(java.util.function.BooleanSupplier ok, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (ok.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not ready yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after 30 s waiting for " + what);
    }

    /** Stops one server started by a test. */
    static void stop(Server s) {
        s.process().destroy();
        try {
            if (!s.process().waitFor(5, TimeUnit.SECONDS)) {
                s.process().destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        STARTED.remove(s);
    }

    /** Stops every server this JVM started. */
    static synchronized void stopAll() {
        for (Server s : STARTED) {
            s.process().destroy();
        }
        for (Server s : STARTED) {
            try {
                if (!s.process().waitFor(5, TimeUnit.SECONDS)) {
                    s.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        STARTED.clear();
        primary = null;
        replica = null;
        cluster = null;
    }
}
