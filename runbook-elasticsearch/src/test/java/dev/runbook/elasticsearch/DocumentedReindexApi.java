package dev.runbook.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the parts of Elasticsearch's REST API that a {@link Reindex} uses, answering in the
 * shapes Elasticsearch documents for {@code POST _reindex?wait_for_completion=false} ({@code {"task":
 * "node:id"}}), {@code GET _tasks/<id>} (running: {@code completed false} with {@code task.status};
 * done: {@code completed true} with the reindex {@code response}), {@code GET _tasks?actions=...},
 * {@code POST _tasks/<id>/_cancel}, and the reads around them (resolve index, aliases, {@code _cat},
 * mapping, count, settings). The zip the integration tests run has no reindex module, so this is how the
 * task flow is tested; everything around it runs against the real node in {@code ReindexIT}.
 *
 * <p>It keeps a little state: two indices with document counts, and one task that completes after
 * {@link #pollsUntilDone} polls, copying the source's count into the destination.
 */
final class DocumentedReindexApi implements AutoCloseable {
    static final String NODE = "oTUltX4IQMOUUVeiohTt8A";

    private final HttpServer server;
    final Map<String, Long> docs = new ConcurrentHashMap<>();
    final Map<String, String> mappings = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> reindexBodies = new CopyOnWriteArrayList<>();
    volatile int pollsUntilDone = 2;
    volatile String runningTask;
    volatile boolean cancelled;
    volatile JsonNode failures = Json.mapper().createArrayNode();
    volatile String taskError;
    private volatile int polls;
    private volatile int taskCounter = 12345;

    DocumentedReindexApi() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        docs.put("orders-v1", 6154L);
        docs.put("orders-v2", 0L);
        mappings.put("orders-v1", "{\"properties\":{\"amount\":{\"type\":\"keyword\"}}}");
        mappings.put("orders-v2", "{\"properties\":{\"amount\":{\"type\":\"scaled_float\",\"scaling_factor\":100}}}");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getRawPath();
        String query =
                x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery();
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(method + " " + path + (query.isEmpty() ? "" : "?" + query));
        String[] seg = path.substring(1).split("/");
        try {
            if (path.startsWith("/_resolve/index/")) {
                String name = seg[2];
                reply(
                        x,
                        200,
                        docs.containsKey(name)
                                ? "{\"indices\":[{\"name\":\"" + name + "\",\"attributes\":[\"open\"]}],\"aliases\":[],"
                                        + "\"data_streams\":[]}"
                                : "{\"indices\":[],\"aliases\":[],\"data_streams\":[]}");
            } else if (seg.length == 2 && seg[1].equals("_alias")) {
                reply(x, 200, docs.containsKey(seg[0]) ? "{\"" + seg[0] + "\":{\"aliases\":{}}}" : "{}");
            } else if (path.startsWith("/_alias/")) {
                reply(x, 404, "{\"error\":\"alias [" + seg[1] + "] missing\",\"status\":404}");
            } else if (path.startsWith("/_cat/indices/")) {
                String name = seg[2];
                reply(x, 200, docs.containsKey(name) ? "[" + catRow(name) + "]" : "[]");
            } else if (path.equals("/_cat/allocation")) {
                reply(
                        x,
                        200,
                        "[{\"shards\":\"2\",\"disk.indices\":\"4000000\",\"disk.used\":\"100000000000\","
                                + "\"disk.avail\":\"900000000000\",\"disk.total\":\"1000000000000\",\"disk.percent\":\"10\","
                                + "\"host\":\"127.0.0.1\",\"ip\":\"127.0.0.1\",\"node\":\"es-1\",\"node.role\":\"cdfhilmrstw\"}]");
            } else if (path.equals("/_cluster/settings")) {
                reply(
                        x,
                        200,
                        "{\"persistent\":{},\"transient\":{},\"defaults\":{"
                                + "\"cluster.routing.allocation.disk.watermark.low\":\"85%\","
                                + "\"cluster.routing.allocation.disk.watermark.high\":\"90%\","
                                + "\"cluster.routing.allocation.disk.watermark.high.max_headroom\":\"150GB\","
                                + "\"cluster.routing.allocation.disk.watermark.flood_stage\":\"95%\"}}");
            } else if (seg.length == 2 && seg[1].equals("_mapping")) {
                reply(x, 200, "{\"" + seg[0] + "\":{\"mappings\":" + mappings.get(seg[0]) + "}}");
            } else if (seg.length == 2 && seg[1].equals("_count")) {
                reply(
                        x,
                        200,
                        "{\"count\":" + docs.get(seg[0])
                                + ",\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,\"failed\":0}}");
            } else if (path.equals("/_reindex") && method.equals("POST")) {
                reindexBodies.add(body);
                runningTask = NODE + ":" + (taskCounter++);
                polls = 0;
                cancelled = false;
                reply(x, 200, "{\"task\":\"" + runningTask + "\"}");
            } else if (path.equals("/_tasks")) {
                reply(
                        x,
                        200,
                        runningTask == null
                                ? "{\"nodes\":{}}"
                                : "{\"nodes\":{\"" + NODE
                                        + "\":{\"name\":\"es-1\",\"transport_address\":\"127.0.0.1:9300\","
                                        + "\"host\":\"127.0.0.1\",\"ip\":\"127.0.0.1:9300\",\"roles\":[\"data\"],\"tasks\":{\""
                                        + runningTask + "\":" + taskInfo(status(false)) + "}}}}");
            } else if (seg.length == 3 && seg[0].equals("_tasks") && seg[2].equals("_cancel")) {
                cancelled = true;
                reply(x, 200, "{\"nodes\":{}}");
            } else if (seg.length == 2 && seg[0].equals("_tasks")) {
                reply(x, 200, task(seg[1]));
            } else {
                reply(
                        x,
                        400,
                        "{\"error\":\"no handler found for uri [" + path + "] and method [" + method
                                + "]\",\"status\":400}");
            }
        } catch (RuntimeException e) {
            reply(x, 500, "{\"error\":{\"type\":\"test_exception\",\"reason\":\"" + e + "\"},\"status\":500}");
        }
    }

    private String catRow(String name) {
        return "{\"index\":\"" + name + "\",\"uuid\":\"uuid-" + name + "\",\"health\":\"green\",\"status\":\"open\","
                + "\"docs.count\":\"" + docs.get(name) + "\",\"store.size\":\"" + docs.get(name) * 100
                + "\",\"creation.date\":\"1735689600000\"}";
    }

    /** The documented {@code GET _tasks/<id>} answers: running with a status, then completed with a response. */
    private String task(String id) {
        if (!id.equals(runningTask)) {
            return "{\"completed\":true,\"task\":" + taskInfo(status(true)) + ",\"response\":" + response() + "}";
        }
        polls++;
        if (cancelled) {
            runningTask = null;
            ObjectNode r = (ObjectNode) Json.read(response(), JsonNode.class);
            r.put("canceled", "by user request");
            return "{\"completed\":true,\"task\":" + taskInfo(status(false)) + ",\"response\":" + r + "}";
        }
        if (polls < pollsUntilDone) {
            return "{\"completed\":false,\"task\":" + taskInfo(status(false)) + "}";
        }
        runningTask = null;
        if (taskError != null) {
            return "{\"completed\":true,\"task\":" + taskInfo(status(false)) + ",\"error\":{\"type\":\"" + taskError
                    + "\",\"reason\":\"the source index was deleted\"}}";
        }
        if (failures.isEmpty()) {
            docs.put("orders-v2", docs.get("orders-v1"));
        }
        return "{\"completed\":true,\"task\":" + taskInfo(status(true)) + ",\"response\":" + response() + "}";
    }

    private String status(boolean done) {
        long total = docs.get("orders-v1");
        long created = done ? total : total / 2;
        return "{\"total\":" + total + ",\"updated\":0,\"created\":" + created + ",\"deleted\":0,\"batches\":"
                + (done ? 7 : 4) + ",\"version_conflicts\":0,\"noops\":0,\"retries\":{\"bulk\":0,\"search\":0},"
                + "\"throttled_millis\":0,\"requests_per_second\":-1.0,\"throttled_until_millis\":0}";
    }

    private String taskInfo(String status) {
        String[] id = (runningTask == null ? NODE + ":1" : runningTask).split(":");
        return "{\"node\":\"" + id[0] + "\",\"id\":" + id[1] + ",\"type\":\"transport\","
                + "\"action\":\"indices:data/write/reindex\",\"status\":" + status + ","
                + "\"description\":\"reindex from [orders-v1] to [orders-v2]\",\"start_time_in_millis\":1535149899665,"
                + "\"running_time_in_nanos\":5926951792,\"cancellable\":true,\"cancelled\":" + cancelled
                + ",\"headers\":{}}";
    }

    private String response() {
        long total = docs.get("orders-v1");
        return "{\"took\":1542,\"timed_out\":false,\"total\":" + total + ",\"updated\":0,\"created\":"
                + (failures.isEmpty() ? total : total - failures.size()) + ",\"deleted\":0,\"batches\":7,"
                + "\"version_conflicts\":0,\"noops\":0,\"retries\":{\"bulk\":0,\"search\":0},\"throttled\":\"0s\","
                + "\"throttled_millis\":0,\"requests_per_second\":-1.0,\"throttled_until\":\"0s\","
                + "\"throttled_until_millis\":0,\"failures\":" + failures + "}";
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
