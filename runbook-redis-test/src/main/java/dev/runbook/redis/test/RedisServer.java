package dev.runbook.redis.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} from the {@code PATH} for integration tests: started on a free 127.0.0.1
 * port in a temporary directory (no persistence, no system service touched), ready when it answers
 * {@code PING} (about 40 ms), stopped and its directory deleted by {@link #close()}. What Testcontainers'
 * Redis module gives, without Docker.
 *
 * <pre>{@code
 * class PoisonedCacheIT {
 *     static RedisServer server = RedisServer.start();          // once per test class
 *     @AfterAll static void stop() { server.close(); }
 *
 *     @Test void deletesTheCache() {
 *         try (RedisActions redis = RedisActions.connect(server.uri())) { ... }
 *     }
 * }
 * RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(server.port()));
 * }</pre>
 *
 * <p>A missing {@code redis-server} fails with the line that installs it; it is never skipped.
 */
public final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts {@code redis-server} with {@code extraArgs} (such as {@code "--maxmemory", "30mb"}) and waits
     * until it answers PING (at most 10 s).
     *
     * @throws IllegalStateException if redis-server is not on the PATH (naming the command that installs
     *     it) or does not come up (with its log)
     */
    public static RedisServer start(String... extraArgs) {
        String binary = onPath("redis-server");
        try {
            Path dir = Files.createTempDirectory("runbook-redis-");
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
                    "--daemonize",
                    "no",
                    "--dir",
                    dir.toString()));
            cmd.addAll(List.of(extraArgs));
            Path log = dir.resolve("redis.log");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            RedisServer redis = new RedisServer(p, port, dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!answersPing(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String out = Files.exists(log) ? Files.readString(log) : "";
                    redis.close();
                    throw new IllegalStateException("redis-server on 127.0.0.1:" + port + " did not start: " + out);
                }
                Thread.sleep(10);
            }
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The server's URI, such as {@code redis://127.0.0.1:41234}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The server's temporary directory (its log is {@code redis.log} there). */
    public Path directory() {
        return dir;
    }

    /** The server's process id, to pause it ({@code kill -STOP}) or crash it ({@code kill -9}) in a test. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    /**
     * The absolute path of {@code binary} on the PATH.
     *
     * @throws IllegalStateException naming the package that installs it, if it is not there
     */
    static String onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator, -1)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                return Path.of(d, binary).toString();
            }
        }
        throw new IllegalStateException(binary + " is not on the PATH; install it with 'apt-get install redis-server'"
                + " (Debian/Ubuntu) or 'brew install redis' (macOS), then run again");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Whether the server answers {@code PING}. A bare connect is not proof: a loopback connect to a port in
     * the ephemeral range can connect to itself while nothing listens yet.
     */
    private static boolean answersPing(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "redis-server at " + uri() + (process.isAlive() ? "" : " (stopped)");
    }
}
