package dev.runbook.flink.test;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A real Flink 2.3 MiniCluster in the test JVM, serving the real REST API on a free loopback port, with
 * the adaptive scheduler (rescale delays cut to 1 s), and the one small streaming job the tests run:
 * a number sequence through a slow map (about 500 records/s per subtask) into a discarding sink, with a
 * checkpoint every 300 ms. Checkpoint statistics are cached 500 ms (default 3 s). One cluster per JVM ({@link #get()}); one job at a time ({@link #runningJob}).
 *
 * <p>Shipped as runbook-flink-test (add it in test scope; it brings flink-runtime, flink-clients,
 * flink-streaming-java and flink-runtime-web), so that other modules' integration tests (runbook-examples'
 * lakehouse runbook) start the same cluster.
 */
public final class FlinkTestCluster {

    private static FlinkTestCluster instance;

    private final MiniCluster cluster;
    private final String restUrl;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private String job;

    private FlinkTestCluster(String scheduler) throws Exception {
        dir = Files.createTempDirectory("runbook-flink-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> conf = new HashMap<>();
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.port", Integer.toString(port));
        conf.put("jobmanager.scheduler", scheduler);
        conf.put("jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling", "1 s");
        conf.put("jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout", "1 s");
        conf.put("jobmanager.adaptive-scheduler.submission.resource-stabilization-timeout", "1 s");
        conf.put("jobmanager.adaptive-scheduler.rescale-trigger.max-delay", "1 s");
        conf.put("io.tmp.dirs", dir.toString());
        conf.put("web.upload.dir", dir.resolve("jars").toString());
        // checkpoint statistics cached 500 ms instead of web.refresh-interval (3 s): the stale-plan fixtures
        // wait until another operator's savepoint shows; job details keep the default 3 s cache
        conf.put("rest.cache.checkpoint-statistics.timeout", "500 ms");
        long t0 = System.nanoTime();
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(Configuration.fromMap(conf))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
        cluster.start();
        restUrl = cluster.getRestAddress().get(30, TimeUnit.SECONDS).toString();
        System.out.printf(
                "Flink MiniCluster (%s scheduler) up at %s in %d ms%n",
                scheduler, restUrl, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The shared cluster with the adaptive scheduler; a failure to start says what was tried. */
    public static synchronized FlinkTestCluster get() {
        if (instance == null) {
            instance = start("adaptive");
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
        }
        return instance;
    }

    /** A cluster of its own (close it), e.g. on the {@code default} scheduler. */
    public static FlinkTestCluster start(String scheduler) {
        try {
            return new FlinkTestCluster(scheduler);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "could not start a Flink 2.3 MiniCluster in the test JVM (flink-runtime,"
                            + " flink-clients, flink-streaming-java 2.3.0 in test scope, about 300 MB of heap): " + e,
                    e);
        }
    }

    public String restUrl() {
        return restUrl;
    }

    /** A fresh directory for savepoints, as a {@code file:} URI. */
    public String savepointDir(String name) {
        try {
            return Files.createDirectories(dir.resolve(name)).toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A jar of the test job's program ({@link LakehouseJob}, its entry class and Main-Class), written to
     * {@code name} in the cluster's temp dir, as a build would produce it for {@code POST /jars/upload}.
     * The other classes (Flink's, the map) come from the test class path. {@code extra} entries (text
     * files) change the jar's bytes, as a new build would.
     */
    public Path jobJar(String name, String... extra) {
        Path jar = dir.resolve(name);
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, LakehouseJob.class.getName());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), mf)) {
            String entry = LakehouseJob.class.getName().replace('.', '/') + ".class";
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            try (var in = LakehouseJob.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(out);
            }
            out.closeEntry();
            for (String e : extra) {
                out.putNextEntry(new java.util.jar.JarEntry(e));
                out.write(e.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /**
     * Stops {@code jobId} with a savepoint into {@code dir} as another operator would, waits until it is
     * FINISHED; returns the savepoint path.
     */
    public String stopWithSavepoint(String jobId, String savepointDir) {
        String trigger = rest(
                        "POST",
                        "jobs/" + jobId + "/stop",
                        Map.of("targetDirectory", savepointDir, "drain", false, "formatType", "CANONICAL"))
                .path("request-id")
                .asText();
        for (int i = 0; i < 1200; i++) {
            JsonNode s = rest("GET", "jobs/" + jobId + "/savepoints/" + trigger, null);
            if ("COMPLETED".equals(s.path("status").path("id").asText())) {
                String path = s.path("operation").path("location").asText();
                if (path.isEmpty()) {
                    throw new IllegalStateException("stop-with-savepoint failed: " + s);
                }
                for (int k = 0;
                        k < 600
                                && !rest("GET", "jobs/" + jobId, null)
                                        .path("state")
                                        .asText()
                                        .matches("FINISHED|CANCELED|FAILED");
                        k++) {
                    sleep(50);
                }
                return path;
            }
            sleep(50);
        }
        throw new IllegalStateException("stop-with-savepoint " + trigger + " did not complete");
    }

    /** The test job RUNNING at {@code parallelism}: the current one if it is, else a new one (others cancelled). */
    public synchronized String runningJob(int parallelism) {
        if (job != null) {
            JsonNode details = rest("GET", "jobs/" + job, null);
            boolean reusable = "RUNNING".equals(details.path("state").asText());
            for (JsonNode v : details.path("vertices")) {
                reusable &= v.path("parallelism").asInt() == parallelism;
            }
            if (reusable) {
                try {
                    for (JsonNode r : rest("GET", "jobs/" + job + "/resource-requirements", null)) {
                        reusable &= r.path("parallelism").path("upperBound").asInt() == parallelism;
                    }
                } catch (IllegalStateException ending) {
                    reusable = false; // the job is finishing: its JobMaster is gone
                }
            }
            if (reusable) {
                return job;
            }
        }
        cancelAll();
        job = submit(parallelism);
        awaitRunning(job);
        return job;
    }

    /** Submits the test job (not waiting for it to run); returns its id. */
    public String submit(int parallelism) {
        return submit(parallelism, new Slow());
    }

    /**
     * Submits a job whose map fails on its first record, every time: the job restarts in a loop (fixed
     * delay of 200 ms, unlimited attempts) until cancelled.
     */
    public String submitFailing() {
        return submit(1, new Failing());
    }

    /**
     * Submits the test job with {@code map} as its "enrich" operator (a class of the test, serializable;
     * the MiniCluster runs it in this JVM); returns the job id without waiting for it to run.
     */
    public String submit(int parallelism, MapFunction<Long, Long> map) {
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(LakehouseJob.restartEvery200ms());
            env.setParallelism(parallelism);
            LakehouseJob.build(env, map);
            var graph = env.getStreamGraph();
            graph.setJobName("lakehouse-enrichment");
            JobID id = cluster.submitJob(graph.getJobGraph())
                    .get(30, TimeUnit.SECONDS)
                    .getJobID();
            return id.toHexString();
        } catch (Exception e) {
            throw new IllegalStateException("submitting the test job: " + e, e);
        }
    }

    public void awaitRunning(String jobId) {
        awaitRunning(jobId, true);
    }

    /** Waits until every vertex runs and, if {@code checkpointed}, a checkpoint completed. */
    public void awaitRunning(String jobId, boolean checkpointed) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode d = rest("GET", "jobs/" + jobId, null);
            boolean all = "RUNNING".equals(d.path("state").asText());
            for (JsonNode v : d.path("vertices")) {
                all &= "RUNNING".equals(v.path("status").asText());
            }
            if (all && !checkpointed) {
                return;
            }
            if (all) {
                try {
                    JsonNode cp = rest("GET", "jobs/" + jobId + "/checkpoints", null);
                    if (cp.path("latest").path("completed").hasNonNull("id")) {
                        return;
                    }
                } catch (IllegalStateException initializing) {
                    // 500 while the JobManager initializes the job
                }
            }
            sleep(100);
        }
        throw new IllegalStateException("job " + jobId + " did not run with a completed checkpoint within 60 s");
    }

    /** Cancels the job and waits until it is CANCELED. */
    public void cancel(String jobId) {
        rest("PATCH", "jobs/" + jobId + "?mode=cancel", null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline
                && !rest("GET", "jobs/" + jobId, null).path("state").asText().matches("CANCELED|FINISHED|FAILED")) {
            sleep(50);
        }
    }

    public void cancelAll() {
        for (JsonNode j : rest("GET", "jobs", null).path("jobs")) {
            if (j.path("status").asText().matches("RUNNING|CREATED|RESTARTING|INITIALIZING")) {
                cancel(j.path("id").asText());
            }
        }
    }

    /** A REST call straight to the cluster, as another operator would make it. */
    public JsonNode rest(String method, String path, Object body) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(restUrl + "/" + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                    .build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isBlank() ? Json.tree(null) : Json.read(r.body(), JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Takes a savepoint as another operator would, and waits for it; returns its path. */
    public String savepointBySomeoneElse(String jobId) {
        String trigger = rest(
                        "POST",
                        "jobs/" + jobId + "/savepoints",
                        Map.of("target-directory", savepointDir("someone-else"), "cancel-job", false))
                .path("request-id")
                .asText();
        for (int i = 0; i < 600; i++) {
            JsonNode s = rest("GET", "jobs/" + jobId + "/savepoints/" + trigger, null);
            if ("COMPLETED".equals(s.path("status").path("id").asText())) {
                String path = s.path("operation").path("location").asText();
                // wait until the job's checkpoint statistics show it
                for (int k = 0; k < 100; k++) {
                    JsonNode sp = rest("GET", "jobs/" + jobId + "/checkpoints", null)
                            .path("latest")
                            .path("savepoint");
                    if (path.equals(sp.path("external_path").asText())) {
                        return path;
                    }
                    sleep(50);
                }
                return path;
            }
            sleep(50);
        }
        throw new IllegalStateException("savepoint " + trigger + " did not complete");
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void close() {
        try {
            cluster.closeAsync().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the JVM is ending
        }
    }

    /** Fails on every record: a poison message the job never gets past. */
    public static final class Failing implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            throw new IllegalStateException("poison record " + value);
        }
    }

    /** About 500 records/s per subtask, so that the job does not take both cores. */
    public static final class Slow implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(2);
            return value;
        }
    }
}
