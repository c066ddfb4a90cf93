package dev.runbook.trino.test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NOT a Trino server (none can run here: its artifacts for the current release do not resolve): an HTTP
 * server on a free loopback port that answers {@code GET /v1/query}, {@code GET /v1/query/{id}} and
 * {@code PUT /v1/query/{id}/killed} in the shape Trino documents and its {@code QueryResource} implements
 * (BasicQueryInfo fields {@code queryId}, {@code state}, {@code query}, {@code session.user/source},
 * {@code queryStats.elapsedTime/queuedTime/totalCpuTime/userMemoryReservation} as Airlift duration and
 * size strings; kill answers 202, 409 for a query already done, 410 for an unknown one; 401 without
 * {@code X-Trino-User}). A killed query becomes FAILED with {@code ADMINISTRATIVELY_KILLED}.
 *
 * <p>Shipped as runbook-trino-test (add it in test scope) for other modules' tests, such as
 * runbook-examples' lakehouse runbook.
 */
public final class TrinoShapedServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, ObjectNode> queries = new LinkedHashMap<>();
    public final List<String> killMessages = new ArrayList<>();
    public final List<String> requests = new ArrayList<>();

    public TrinoShapedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/query", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds a query in the documented shape. */
    public synchronized void add(
            String id,
            String state,
            String user,
            String source,
            String sql,
            String elapsed,
            String queued,
            String cpu,
            String memory) {
        ObjectNode q = Json.mapper().createObjectNode();
        q.put("queryId", id).put("state", state).put("query", sql).put("self", url() + "/v1/query/" + id);
        q.putObject("session").put("user", user).put("source", source);
        q.putObject("queryStats")
                .put("createTime", "2025-12-07T03:15:00.000Z")
                .put("elapsedTime", elapsed)
                .put("queuedTime", queued)
                .put("totalCpuTime", cpu)
                .put("userMemoryReservation", memory);
        queries.put(id, q);
    }

    public synchronized void setState(String id, String state) {
        queries.get(id).put("state", state);
    }

    public synchronized Map<String, String> states() {
        Map<String, String> out = new LinkedHashMap<>();
        queries.forEach((id, q) -> out.put(id, q.path("state").asText()));
        return out;
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        requests.add(method + " " + path);
        if (ex.getRequestHeaders().getFirst("X-Trino-User") == null) {
            reply(ex, 401, "");
            return;
        }
        String[] parts = path.split("/");
        if (parts.length == 3 && method.equals("GET")) { // /v1/query
            ArrayNode all = Json.mapper().createArrayNode();
            queries.values().forEach(all::add);
            reply(ex, 200, all.toString());
        } else if (parts.length == 4 && method.equals("GET")) {
            ObjectNode q = queries.get(parts[3]);
            reply(ex, q == null ? 410 : 200, q == null ? "" : q.toString());
        } else if (parts.length == 5 && parts[4].equals("killed") && method.equals("PUT")) {
            ObjectNode q = queries.get(parts[3]);
            String message = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (q == null) {
                reply(ex, 410, "");
            } else if (q.path("state").asText().matches("FINISHED|FAILED")) {
                reply(ex, 409, "");
            } else {
                q.put("state", "FAILED").put("errorCode", "ADMINISTRATIVELY_KILLED");
                killMessages.add(parts[3] + ": " + message);
                reply(ex, 202, "");
            }
        } else {
            reply(ex, 404, "");
        }
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
