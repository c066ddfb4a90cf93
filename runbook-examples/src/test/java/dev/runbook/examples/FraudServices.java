package dev.runbook.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stand-ins for INC-011's two internal APIs on one real HTTP server on 127.0.0.1 (neither service has a
 * public server): finance-svc's {@code GET /internal/fraud-alerts/recent?hours=N} and partner-svc's {@code
 * GET /internal/partners/{id}} ({@code {"partner_id":"P001","status":"ACTIVE"}}). Both require the bearer
 * token and answer 401 without it (never echoing what they got). The wallet's status is what the test, or
 * the exec of {@code /app/bin/admin freeze} seen by the mock API server, sets.
 */
final class FraudServices implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Secret token = Secret.of("Bearer it-jwt-" + UUID.randomUUID());
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String alerts = "[]";

    FraudServices() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the finance-svc/partner-svc stand-in on 127.0.0.1", e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fraud-services");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The Authorization header value both APIs accept. */
    Secret token() {
        return token;
    }

    /** finance-svc's answer from now on: a JSON array of alerts. */
    void alerts(String json) {
        this.alerts = json;
    }

    void status(String partner, String status) {
        statuses.put(partner, status);
    }

    String status(String partner) {
        return statuses.get(partner);
    }

    /** {@code GET /path?query -> status} of every request, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    void reset() {
        statuses.clear();
        requests.clear();
        alerts = "[]";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            int status;
            if (!token.reveal().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                status = send(ex, 401, Json.write(Map.of("error", "invalid bearer token")));
            } else if (ex.getRequestMethod().equals("GET") && path.equals("/internal/fraud-alerts/recent")) {
                status = send(ex, 200, alerts);
            } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/internal/partners/")) {
                String id = path.substring("/internal/partners/".length());
                String s = statuses.get(id);
                status = s == null
                        ? send(ex, 404, Json.write(Map.of("error", "no partner " + id)))
                        : send(ex, 200, Json.write(Map.of("partner_id", id, "status", s)));
            } else {
                status = send(ex, 404, Json.write(Map.of("error", "no endpoint " + path)));
            }
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " -> " + status);
        }
    }

    private static int send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
