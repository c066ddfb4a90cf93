package dev.runbook.mongo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpReplayEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A stand-in for the application's admin endpoint {@code POST /admin/events/{id}/replay} on a real
 * loopback socket: it checks the bearer token, records every request (event id, Idempotency-Key,
 * attempt), replays each key once (a repeated key answers 200 with {@code Idempotent-Replayed: true}),
 * and can be told to fail from the n-th request on.
 */
final class AdminEndpoint implements AutoCloseable {
    static {
        // the JDK server delays each answer ~40 ms (Nagle and delayed ACKs) without it; read once per JVM
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final String TOKEN = "Bearer admin-s3cret";

    record Request(String eventId, String idempotencyKey, String attempt) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    final List<Request> requests = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /** Event ids processed, once per idempotency key. */
    final Set<String> processed = ConcurrentHashMap.newKeySet();

    private final AtomicInteger count = new AtomicInteger();
    /** The status to answer the n-th request (1-based) with; 202 unless changed. */
    volatile IntUnaryOperator status = n -> 202;
    /** Called with the request number before answering (a test stops the database here). */
    volatile java.util.function.IntConsumer onRequest = n -> {};

    AdminEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/admin/events/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String template() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/admin/events/{id}/replay";
    }

    HttpReplayEndpoint endpoint() {
        return Http.replayEndpoint(template())
                .header("Authorization", dev.runbook.core.Secret.of(TOKEN))
                .build();
    }

    /** Forgets every request and failure set-up. */
    void reset() {
        requests.clear();
        processed.clear();
        count.set(0);
        status = n -> 202;
        onRequest = n -> {};
    }

    /** Requests per event id. */
    Map<String, Long> perEvent() {
        Map<String, Long> out = new java.util.TreeMap<>();
        synchronized (requests) {
            requests.forEach(r -> out.merge(r.eventId(), 1L, Long::sum));
        }
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!ex.getRequestMethod().equals("POST") || !path.endsWith("/replay")) {
            send(ex, 404, "{\"error\":\"no such endpoint\"}");
            return;
        }
        if (!TOKEN.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"admin token required\"}");
            return;
        }
        String id = path.substring("/admin/events/".length(), path.length() - "/replay".length());
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        int n = count.incrementAndGet();
        onRequest.accept(n);
        int s = status.applyAsInt(n);
        if (s >= 300) {
            send(ex, s, "{\"error\":\"replay failed\"}");
            return;
        }
        requests.add(new Request(id, key, ex.getRequestHeaders().getFirst("runbook-replay-attempt")));
        if (key != null && !processed.add(key)) {
            ex.getResponseHeaders().add("Idempotent-Replayed", "true");
            send(ex, 200, "{\"replayed\":false}");
            return;
        }
        send(ex, s, "{\"replayed\":true}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
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
