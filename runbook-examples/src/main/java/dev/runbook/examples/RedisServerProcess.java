package dev.runbook.examples;

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} from the PATH, started by the demo on a free 127.0.0.1 port in a
 * temporary directory (no persistence) and stopped on {@link #close()}: what a Redis scenario such as
 * INC-004 stages its incident on.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.start()) {
 *     String uri = redis.uri(); // redis://127.0.0.1:41234
 * }
 * }</pre>
 */
public final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServerProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts {@code redis-server} and waits until it answers PING (at most 10 s).
     *
     * @throws IllegalStateException if redis-server is not on the PATH (with the command to install it) or
     *     does not come up (with its log)
     */
    public static RedisServerProcess start(String... extraArgs) {
        String binary = onPath("redis-server");
        try {
            Path dir = Files.createTempDirectory("runbook-demo-redis-");
            int port = freePort();
            List<String> cmd = new java.util.ArrayList<>(List.of(
                    binary,
                    "--port",
                    String.valueOf(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
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
            RedisServerProcess redis = new RedisServerProcess(p, port, dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!accepts(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String out = Files.exists(log) ? Files.readString(log) : "";
                    redis.close();
                    throw new IllegalStateException("redis-server on 127.0.0.1:" + port + " did not start: " + out);
                }
                Thread.sleep(20);
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

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server and deletes its directory. */
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

    static String onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator, -1)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                return Path.of(d, binary).toString();
            }
        }
        throw new IllegalStateException(binary + " is not on the PATH; install it with 'apt-get install redis-server'"
                + " (Debian/Ubuntu) or 'brew install redis', then run again");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Whether the server answers {@code PING}. A bare connect is not proof: a loopback connect to a port
     * in the ephemeral range can connect to itself while nothing listens yet.
     */
    private static boolean accepts(int port) {
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
