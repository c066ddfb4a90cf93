package dev.runbook.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Elasticsearch node the integration tests share: one per test JVM, started on first use and stopped
 * at JVM exit, plus raw HTTP helpers (java.net.http, not the code under test) to set up and read state.
 */
final class TestCluster {
    private static ElasticsearchServer server;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestCluster() {}

    static synchronized ElasticsearchServer server() {
        if (server == null) {
            long t0 = System.nanoTime();
            // data on tmpfs: creating an index costs a few cluster-state fsyncs, which dominate these tests
            server = ElasticsearchServer.builder().dataOnTmpfs().start();
            System.out.printf(
                    "Elasticsearch started at %s in %d ms%n", server.url(), (System.nanoTime() - t0) / 1_000_000);
        }
        return server;
    }

    static String url() {
        return server().url();
    }

    /** A response: status and body. */
    record Response(int status, String body) {
        JsonNode json() {
            return Json.read(body, JsonNode.class);
        }
    }

    static Response send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends and requires a 2xx answer. */
    static JsonNode ok(String method, String path, String body) {
        Response r = send(method, path, body);
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.status() + " " + r.body());
        }
        return r.json();
    }

    /** Creates an index with no replicas (single node: green), waiting for no shard to be active. */
    static void createIndex(String name) {
        createIndex(name, "{}");
    }

    static void createIndex(String name, String extraSettingsAndMappings) {
        JsonNode body = Json.read(extraSettingsAndMappings, JsonNode.class);
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) body;
        com.fasterxml.jackson.databind.node.ObjectNode settings = o.has("settings")
                ? (com.fasterxml.jackson.databind.node.ObjectNode) o.get("settings")
                : o.putObject("settings");
        if (!settings.has("number_of_replicas") && !settings.has("index.number_of_replicas")) {
            settings.put("number_of_replicas", 0);
        }
        ok("PUT", "/" + name + "?wait_for_active_shards=0", Json.write(o));
    }

    /** Indexes documents with ids 1..n and refreshes. */
    static void docs(String index, int n) {
        StringBuilder bulk = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            bulk.append("{\"index\":{\"_index\":\"")
                    .append(index)
                    .append("\",\"_id\":\"")
                    .append(i)
                    .append("\"}}\n");
            bulk.append("{\"order\":")
                    .append(i)
                    .append(",\"amount\":\"")
                    .append(i * 10)
                    .append(".5\"}\n");
        }
        JsonNode r = ok("POST", "/_bulk?refresh=true", bulk.toString());
        if (r.path("errors").asBoolean()) {
            throw new IllegalStateException("bulk failed: " + r);
        }
    }

    /** Creates many indices at once (the master batches concurrent creations): name -> body. */
    static void createIndices(Map<String, String> bodies) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            bodies.forEach((name, body) -> done.add(pool.submit(() -> createIndex(name, body))));
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
    }

    /** Deletes these indices by name, a few hundred per request, clearing blocks first. */
    static void deleteIndices(java.util.Collection<String> names) {
        List<String> all = new ArrayList<>(names);
        for (int i = 0; i < all.size(); i += 10) {
            String some = String.join(",", all.subList(i, Math.min(all.size(), i + 10)));
            send(
                    "PUT",
                    "/" + some + "/_settings?expand_wildcards=all",
                    "{\"index.blocks.read_only\":null,\"index.blocks.write\":null}");
            send("DELETE", "/" + some, null);
        }
    }

    /** Every index matching {@code pattern} (hidden included) with its uuid: a snapshot for comparisons. */
    static Map<String, String> indices(String pattern) {
        Response r = send("GET", "/_cat/indices/" + pattern + "?format=json&h=index,uuid&expand_wildcards=all", null);
        Map<String, String> out = new TreeMap<>();
        if (r.status() == 404) {
            return out;
        }
        for (JsonNode n : r.json()) {
            out.put(n.get("index").asText(), n.get("uuid").asText());
        }
        return out;
    }

    /** The aliases of every index matching {@code pattern}: index -> alias -> properties. */
    static Map<String, JsonNode> aliases(String pattern) {
        Response r = send("GET", "/" + pattern + "/_alias?expand_wildcards=all", null);
        Map<String, JsonNode> out = new TreeMap<>();
        if (r.status() == 404) {
            return out;
        }
        r.json().fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().get("aliases")));
        return out;
    }

    static long count(String index) {
        ok("POST", "/" + index + "/_refresh", null);
        return ok("GET", "/" + index + "/_count", null).get("count").asLong();
    }

    /** Deletes every index matching the pattern, by name (the cluster refuses wildcards). */
    static void deleteAll(String pattern) {
        deleteIndices(indices(pattern).keySet());
    }
}
