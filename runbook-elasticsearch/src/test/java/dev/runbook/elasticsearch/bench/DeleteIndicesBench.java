package dev.runbook.elasticsearch.bench;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.elasticsearch.DeleteIndices;
import dev.runbook.elasticsearch.DeleteIndicesDryRun;
import dev.runbook.elasticsearch.ElasticsearchActions;
import dev.runbook.elasticsearch.ElasticsearchServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * DeleteIndices of N indices matching {@code orders-2025-*} beside the seed's {@code curl -X DELETE
 * "http://elasticsearch:9200/orders-2025-*"}, on the same node in the same run. The node allows
 * wildcards ({@code action.destructive_requires_name: false}) so that the seed's command works at all;
 * with the 8.x default it is refused, which the run shows first. The indices are created once, kept in a
 * snapshot, and restored before the second method, so both delete the same 2,000 indices.
 *
 * <p>Run: {@code runbook-elasticsearch/bench/delete-indices.sh} ({@code N=} indices, default 2000).
 */
public final class DeleteIndicesBench {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static String url;

    private DeleteIndicesBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(System.getProperty("n", "2000"));
        Path repo = Files.createTempDirectory("runbook-es-bench-repo-");
        new ProcessBuilder("chmod", "777", repo.toString()).start().waitFor();
        long t0 = System.nanoTime();
        try (ElasticsearchServer server = ElasticsearchServer.builder()
                        .dataOnTmpfs()
                        .setting("action.destructive_requires_name", "false")
                        .setting("path.repo", repo.toString())
                        .setting("cluster.max_shards_per_node", String.valueOf(n + 1000))
                        .start();
                ElasticsearchActions es = ElasticsearchActions.connect(server.url())) {
            url = server.url();
            System.out.printf(
                    Locale.ROOT,
                    "Elasticsearch 8.19.21 started at %s in %.1f s (heap 512m, data on tmpfs)%n",
                    url,
                    secs(t0));
            send("PUT", "/_cluster/settings", "{\"persistent\":{\"action.destructive_requires_name\":true}}");
            System.out.println(
                    "\nThe seed's command on a cluster with the 8.x default (action.destructive_requires_name: true):");
            System.out.println("  $ " + String.join(" ", curl()));
            System.out.println("  " + run(curl()));
            send("PUT", "/_cluster/settings", "{\"persistent\":{\"action.destructive_requires_name\":false}}");

            long c0 = System.nanoTime();
            create(n);
            System.out.printf(
                    Locale.ROOT,
                    "%nsetup: created %,d indices orders-2025-00000.. in %.1f s (16 at a time)%n",
                    n,
                    secs(c0));
            long s0 = System.nanoTime();
            send("PUT", "/_snapshot/bench", "{\"type\":\"fs\",\"settings\":{\"location\":\"" + repo + "\"}}");
            send(
                    "PUT",
                    "/_snapshot/bench/all?wait_for_completion=true",
                    "{\"indices\":\"orders-2025-*\",\"include_global_state\":false}");
            System.out.printf(Locale.ROOT, "setup: snapshot of them in %.1f s%n", secs(s0));

            // (a) ours: plan (resolve + aliases + _cat/indices + health), then apply (re-read, DELETE by name)
            ActionContext ctx = ActionContext.standalone();
            DeleteIndices cleanup =
                    es.deleteIndices("orders-2025-*").minAge(Duration.ZERO).maxIndices(n);
            long w0 = System.nanoTime();
            cleanup.plan(ctx); // the first plan in a fresh JVM also loads and compiles the client
            double coldS = secs(w0);
            long r0 = es.requestsSent();
            long p0 = System.nanoTime();
            StepPlan plan = cleanup.plan(ctx);
            double planS = secs(p0);
            long planRequests = es.requestsSent() - r0;
            long a0 = System.nanoTime();
            ApplyResult done = cleanup.apply(plan, ctx);
            double applyS = secs(a0);
            long applyRequests = es.requestsSent() - r0 - planRequests;
            boolean verified = cleanup.verify(plan, done, ctx).ok();
            int left = count();
            DeleteIndicesDryRun dry = plan.details(DeleteIndicesDryRun.class);

            // (b) the seed's command, on the same indices restored from the snapshot
            long rs0 = System.nanoTime();
            send(
                    "POST",
                    "/_snapshot/bench/all/_restore?wait_for_completion=true",
                    "{\"indices\":\"orders-2025-*\",\"include_global_state\":false}");
            System.out.printf(Locale.ROOT, "setup: restored %,d indices in %.1f s%n", count(), secs(rs0));
            long b0 = System.nanoTime();
            String out = run(curl());
            double seedS = secs(b0);
            int seedLeft = count();

            System.out.printf(Locale.ROOT, "%nDelete %,d indices matching 'orders-2025-*' (same node, same run):%n", n);
            System.out.printf(Locale.ROOT, "  %-52s %12s %10s %10s%n", "", "wall time", "requests", "left");
            System.out.printf(
                    Locale.ROOT,
                    "  %-52s %10.2f s %10d %10d%n",
                    "(a) first plan in a fresh JVM (client loading, JIT)",
                    coldS,
                    planRequests,
                    n);
            System.out.printf(
                    Locale.ROOT,
                    "  %-52s %10.2f s %10d %10d%n",
                    "(a) DeleteIndices plan (dry run: every index listed)",
                    planS,
                    planRequests,
                    n);
            System.out.printf(
                    Locale.ROOT,
                    "  %-52s %10.2f s %10d %10d%n",
                    "(a) DeleteIndices apply (re-read, DELETE by name)",
                    applyS,
                    applyRequests,
                    left);
            System.out.printf(
                    Locale.ROOT,
                    "  %-52s %10.2f s %10d %10d%n",
                    "(a) plan + apply",
                    planS + applyS,
                    planRequests + applyRequests,
                    left);
            System.out.printf(
                    Locale.ROOT,
                    "  %-52s %10.2f s %10d %10d%n",
                    "(b) seed: curl -X DELETE \".../orders-2025-*\"",
                    seedS,
                    1,
                    seedLeft);
            System.out.printf(
                    Locale.ROOT,
                    "%n(a) sent %d DELETE requests of at most %d bytes of names each (%s); verified: %s%n",
                    dry.requests(),
                    3000,
                    done.summary(),
                    verified);
            System.out.println("(b) answered: " + out);
        } finally {
            new ProcessBuilder("rm", "-rf", repo.toString()).start().waitFor();
        }
    }

    private static List<String> curl() {
        return List.of("curl", "-s", "-X", "DELETE", url + "/orders-2025-*");
    }

    private static void create(int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = String.format(Locale.ROOT, "orders-2025-%05d", i);
                all.add(pool.submit(() -> send(
                        "PUT", "/" + name + "?wait_for_active_shards=0", "{\"settings\":{\"number_of_replicas\":0}}")));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        send("GET", "/_cluster/health?wait_for_status=green&timeout=600s", null);
    }

    private static int count() throws Exception {
        String body = send("GET", "/_cat/indices/orders-2025-*?h=index&expand_wildcards=all", null);
        return (int) body.lines().filter(l -> !l.isBlank()).count();
    }

    private static String send(String method, String path, String body) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofMinutes(15))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + " " + resp.body());
            }
            return resp.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.length() > 300 ? out.substring(0, 300) + "..." : out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
