package dev.runbook.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 with a circuit-breaker admin API, an event replay endpoint that
 * deduplicates by Idempotency-Key, and a health endpoint, for the HTTP primitives' tests.
 */
final class AdminServer implements AutoCloseable {
    static final String TOKEN = "Bearer s3cret-admin-token";

    record Seen(String method, String path, String idempotencyKey, String authorization, String body) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    final List<String> replayed = new CopyOnWriteArrayList<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    volatile String breaker = "OPEN";
    volatile int healthStatus = 200;
    volatile String healthBody = "{\"status\":\"UP\"}";
    volatile long delayMillis;

    AdminServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    long posts() {
        return requests.stream().filter(r -> !r.method().equals("GET")).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getPath();
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        requests.add(new Seen(
                ex.getRequestMethod(), path, key, ex.getRequestHeaders().getFirst("Authorization"), body));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String method = ex.getRequestMethod();
        if (method.equals("GET") && path.equals("/admin/circuit-breaker")) {
            send(ex, 200, "{\"service\":\"inside\",\"state\":\"" + breaker + "\"}");
        } else if (method.equals("GET") && path.equals("/health")) {
            send(ex, healthStatus, healthBody);
        } else if (method.equals("GET") && path.equals("/text")) {
            send(ex, 200, "  plain text  ");
        } else if (method.equals("POST") && path.equals("/admin/circuit-breaker/half-open")) {
            if (!TOKEN.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\":\"admin token required\"}");
            } else if (key != null && !keys.add(key)) {
                ex.getResponseHeaders().add("Idempotent-Replayed", "true");
                send(ex, 200, "{\"state\":\"" + breaker + "\"}");
            } else {
                breaker = "HALF_OPEN";
                send(ex, 200, "{\"state\":\"HALF_OPEN\"}");
            }
        } else if (method.equals("POST") && path.startsWith("/admin/events/") && path.endsWith("/replay")) {
            if (key != null && !keys.add(key)) {
                ex.getResponseHeaders().add("Idempotent-Replayed", "true");
                send(ex, 202, "{\"replayed\":false}");
            } else {
                replayed.add(path.substring("/admin/events/".length(), path.length() - "/replay".length()));
                send(ex, 202, "{\"replayed\":true}");
            }
        } else if (path.equals("/fail")) {
            send(ex, 503, "{\"error\":\"overloaded\"}");
        } else {
            send(ex, 404, "{\"error\":\"no such endpoint\"}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
