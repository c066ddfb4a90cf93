package dev.runbook.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A throwaway single-node Elasticsearch for integration tests and demos: started from an unpacked
 * distribution (such as the {@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip}
 * on Maven Central) on free ports in a temporary directory, with a 512 MB heap and security off, and
 * stopped (directory removed) by {@link #close()} or at JVM exit. When the JVM runs as root, which
 * Elasticsearch refuses, the node runs as the system user {@code runbook-es} through {@code runuser},
 * created with {@code useradd --system} if it is missing.
 *
 * <pre>{@code
 * try (var es = ElasticsearchServer.builder().home(Path.of("target/elasticsearch/elasticsearch-8.19.21")).start()) {
 *     var actions = ElasticsearchActions.connect(es.url());
 *     System.out.println(actions.clusterHealth().read());
 * }
 * }</pre>
 *
 * <p>To use it in your own integration tests, unpack the zip with {@code maven-dependency-plugin}'s
 * {@code unpack} goal and pass its folder as the system property {@code runbook.elasticsearch.home} (or
 * call {@link Builder#home(Path)}); see this module's README. Starting takes about 8 to 30 seconds and
 * 740 MB of memory: start one per test JVM, not per test.
 */
public final class ElasticsearchServer implements AutoCloseable {
    /** The system property (or, upper-cased with underscores, environment variable) naming the distribution. */
    public static final String HOME_PROPERTY = "runbook.elasticsearch.home";

    private static final String HOME_ENV = "RUNBOOK_ELASTICSEARCH_HOME";

    private final Path directory;
    private final int httpPort;
    private final Process process;
    private final Thread shutdownHook;
    private final Map<String, String> settings;
    private final boolean keepDirectory;
    private final Path dataDirectory;

    private ElasticsearchServer(
            Path directory,
            Path dataDirectory,
            int httpPort,
            Process process,
            Map<String, String> settings,
            boolean keepDirectory) {
        this.directory = directory;
        this.dataDirectory = dataDirectory;
        this.httpPort = httpPort;
        this.process = process;
        this.settings = Map.copyOf(settings);
        this.keepDirectory = keepDirectory;
        this.shutdownHook = new Thread(this::stopQuietly, "elasticsearch-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server from the distribution named by {@value #HOME_PROPERTY}, with default settings. */
    public static ElasticsearchServer start() {
        return builder().start();
    }

    /** Options: distribution, settings, heap, user, start timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The HTTP port. */
    public int httpPort() {
        return httpPort;
    }

    /** The node's temporary directory: config, data, logs and the console output. */
    public Path directory() {
        return directory;
    }

    /** The {@code elasticsearch.yml} settings it was started with. */
    public Map<String, String> settings() {
        return settings;
    }

    /** Whether the node's process is alive. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** The last {@code lines} lines of the console output and the node's log, for failure messages. */
    public String logTail(int lines) {
        return ServerProcesses.logTail(directory, lines);
    }

    /** Kills the node at once (SIGKILL), as a crash would: for tests of a server that goes away. */
    public void kill() {
        ServerProcesses.destroy(process, Duration.ZERO);
    }

    /** Stops the node (SIGTERM, then SIGKILL after 30 s) and removes its directory. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
    }

    private synchronized void stopQuietly() {
        ServerProcesses.destroy(process, Duration.ofSeconds(30));
        if (!keepDirectory) {
            ServerProcesses.deleteTree(directory);
            ServerProcesses.deleteTree(dataDirectory);
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchServer[" + url() + ", " + directory + (isRunning() ? "" : ", stopped") + "]";
    }

    /** Builds and starts an {@link ElasticsearchServer}. */
    public static final class Builder {
        private Path home;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private String heap = "512m";
        private String user = "runbook-es";
        private Duration startTimeout = Duration.ofMinutes(5);
        private boolean keepDirectory;
        private boolean dataOnTmpfs;

        private Builder() {
            // A full disk on a test machine must not turn the cluster yellow: the disk decider is off,
            // and the watermarks are small absolute values that the probes and Reindex's check read.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            settings.put("cluster.routing.allocation.disk.watermark.low", "30mb");
            settings.put("cluster.routing.allocation.disk.watermark.high", "20mb");
            settings.put("cluster.routing.allocation.disk.watermark.flood_stage", "10mb");
        }

        /** The unpacked distribution (the folder holding {@code bin/elasticsearch}). */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * One {@code elasticsearch.yml} setting, such as {@code action.destructive_requires_name: false}.
         * The network, discovery, security and path settings are set by the server itself.
         */
        public Builder setting(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The JVM heap, {@code -Xms} and {@code -Xmx} (default {@code 512m}). */
        public Builder heap(String heap) {
            if (!heap.matches("\\d+[kmg]")) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, was '" + heap + "'");
            }
            this.heap = heap;
            return this;
        }

        /** The system user the node runs as when this JVM runs as root (default {@code runbook-es}). */
        public Builder user(String user) {
            if (!user.matches("[a-z_][a-z0-9_-]{0,30}")) {
                throw new IllegalArgumentException("not a system user name: '" + user + "'");
            }
            this.user = user;
            return this;
        }

        /** How long to wait for the node to answer (default 5 minutes: a loaded 2-core machine needs 2 or more). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Keeps the node's data in {@code /dev/shm} (memory) where that exists: creating and deleting
         * indices then costs no disk syncs, which makes tests that create many indices several times
         * faster. The data is small in tests; it is removed when the node stops.
         */
        public Builder dataOnTmpfs() {
            this.dataOnTmpfs = true;
            return this;
        }

        /** Keeps the temporary directory after stopping (to read the logs). */
        public Builder keepDirectory() {
            this.keepDirectory = true;
            return this;
        }

        /**
         * Starts the node and waits until it answers {@code GET /_cluster/health}.
         *
         * @throws IllegalStateException if the distribution is missing (the message says how to get it),
         *     or the node did not start in time (the message holds the tail of its log)
         */
        public ElasticsearchServer start() {
            Path dist = resolveHome();
            String runAs = ServerProcesses.isRoot() ? ServerProcesses.ensureSystemUser(user) : null;
            Path dir;
            try {
                dir = Files.createTempDirectory("runbook-es-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for Elasticsearch", e);
            }
            Path data = dir.resolve("data");
            if (dataOnTmpfs && Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"))) {
                try {
                    data = Files.createTempDirectory(Path.of("/dev/shm"), "runbook-es-data-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a data directory in /dev/shm", e);
                }
            }
            int[] ports = ServerProcesses.freePorts(2);
            Map<String, String> yml = new LinkedHashMap<>();
            yml.put("cluster.name", "runbook-test");
            yml.put("node.name", "node-1");
            yml.put("network.host", "127.0.0.1");
            yml.put("http.port", String.valueOf(ports[0]));
            yml.put("transport.port", String.valueOf(ports[1]));
            yml.put("discovery.type", "single-node");
            yml.put("xpack.security.enabled", "false");
            yml.put("path.data", data.toString());
            yml.put("path.logs", dir.resolve("logs").toString());
            yml.putAll(settings);
            Process p = ServerProcesses.launch(dist, dir, data, yml, heap, runAs);
            ElasticsearchServer server = new ElasticsearchServer(dir, data, ports[0], p, yml, keepDirectory);
            try {
                awaitReady(server, p);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }

        private Path resolveHome() {
            Path h = home;
            if (h == null) {
                String prop = System.getProperty(HOME_PROPERTY);
                String env = System.getenv(HOME_ENV);
                if (prop != null && !prop.isBlank()) {
                    h = Path.of(prop);
                } else if (env != null && !env.isBlank()) {
                    h = Path.of(env);
                }
            }
            if (h == null || !Files.isRegularFile(h.resolve("bin/elasticsearch"))) {
                throw new IllegalStateException((h == null
                                ? "no Elasticsearch distribution given"
                                : "no Elasticsearch distribution at " + h + " (no bin/elasticsearch)")
                        + ": unpack org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip (Maven"
                        + " Central) with maven-dependency-plugin's unpack goal, as runbook-elasticsearch's pom does"
                        + " (./mvnw -pl runbook-elasticsearch pre-integration-test), and pass its folder as -D"
                        + HOME_PROPERTY + "=..., " + HOME_ENV + " or ElasticsearchServer.builder().home(...)");
            }
            return h.toAbsolutePath();
        }

        private void awaitReady(ElasticsearchServer server, Process p) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            HttpRequest health = HttpRequest.newBuilder(URI.create(server.url() + "/_cluster/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            long deadline = System.nanoTime() + startTimeout.toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("Elasticsearch exited with status " + p.exitValue()
                            + " while starting (" + server.directory() + "):\n" + server.logTail(40));
                }
                try {
                    HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                    seen.add(String.valueOf(r.statusCode()));
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Elasticsearch to start", e);
                }
                ServerProcesses.sleep(Duration.ofMillis(250));
            }
            throw new IllegalStateException("Elasticsearch did not answer " + server.url() + "/_cluster/health within "
                    + startTimeout.toSeconds() + " s" + (seen.isEmpty() ? "" : " (answers: " + seen + ")") + " ("
                    + server.directory() + "):\n" + server.logTail(40));
        }
    }
}
