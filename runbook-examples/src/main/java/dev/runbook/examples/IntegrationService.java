package dev.runbook.examples;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, real HTTP server on 127.0.0.1 that behaves like the seeds' {@code integration-svc} during
 * INC-005: its circuit breaker for the dependency {@code inside} is OPEN, so {@code /health} answers 503
 * and callers get fallback data. The admin API is the seed's: {@code GET /admin/circuit-breaker},
 * {@code POST /admin/circuit-breaker/half-open} (bearer token, deduplicated by {@code Idempotency-Key}),
 * and {@code POST /admin/events/{id}/replay}. A half-open breaker closes on the next health check after
 * {@code trialDelay} if {@code inside} is healthy, and opens again if it is not.
 *
 * <pre>{@code
 * try (IntegrationService svc = IntegrationService.start()) {
 *     svc.url("/health");      // http://127.0.0.1:41234/health -> 503 while the breaker is OPEN
 * }
 * }</pre>
 */
public final class IntegrationService implements AutoCloseable {
    /** The dependency whose breaker is open, as in the seed. */
    public static final String DEPENDENCY = "inside";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Secret adminToken = Secret.of("Bearer demo-" + UUID.randomUUID());
    private final Duration trialDelay;
    private final Map<String, Integer> idempotencyKeys = new ConcurrentHashMap<>();
    private final List<String> replayed = new CopyOnWriteArrayList<>();
    private final AtomicInteger halfOpenCalls = new AtomicInteger();
    private volatile String breaker = "OPEN";
    private volatile long halfOpenedAt;
    private volatile boolean dependencyHealthy = true;

    private IntegrationService(Duration trialDelay) throws IOException {
        this.trialDelay = trialDelay;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "integration-svc");
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts the service with its breaker OPEN; a half-open breaker closes after 300 ms of trial. */
    public static IntegrationService start() {
        return start(Duration.ofMillis(300));
    }

    /** Starts the service with its breaker OPEN and the given trial time. */
    public static IntegrationService start(Duration trialDelay) {
        try {
            return new IntegrationService(trialDelay);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the simulated integration-svc on 127.0.0.1", e);
        }
    }

    /** The base URL, such as {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A URL on this service. */
    public String url(String path) {
        return baseUrl() + path;
    }

    /** The admin token its admin endpoints require, as an Authorization header value. */
    public Secret adminToken() {
        return adminToken;
    }

    /** The breaker's state: OPEN, HALF_OPEN, CLOSED (or whatever a test set). */
    public String breaker() {
        return breaker;
    }

    /** Sets the breaker's state, as another operator or the service itself would. */
    public void setBreaker(String state) {
        this.breaker = state;
    }

    /** Makes {@code inside} healthy or not. */
    public void setDependencyHealthy(boolean healthy) {
        this.dependencyHealthy = healthy;
    }

    /** How many half-open calls took effect (replays by idempotency key not counted). */
    public int halfOpenCalls() {
        return halfOpenCalls.get();
    }

    /** The event ids replayed, in order. */
    public List<String> replayedEvents() {
        return List.copyOf(replayed);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            if (method.equals("GET") && path.equals("/health")) {
                health(ex);
            } else if (method.equals("GET") && path.equals("/deps/" + DEPENDENCY + "/health")) {
                send(ex, dependencyHealthy ? 200 : 503, Map.of("status", dependencyHealthy ? "UP" : "DOWN"));
            } else if (method.equals("GET") && path.equals("/admin/circuit-breaker")) {
                send(ex, 200, Map.of("service", DEPENDENCY, "state", breaker));
            } else if (method.equals("POST") && path.equals("/admin/circuit-breaker/half-open")) {
                admin(ex, () -> halfOpen(ex));
            } else if (method.equals("POST") && path.startsWith("/admin/events/") && path.endsWith("/replay")) {
                admin(ex, () -> replay(ex, path));
            } else {
                send(ex, 404, Map.of("error", "no endpoint " + method + " " + path));
            }
        }
    }

    private synchronized void health(HttpExchange ex) throws IOException {
        if (breaker.equals("HALF_OPEN") && System.nanoTime() - halfOpenedAt >= trialDelay.toNanos()) {
            breaker = dependencyHealthy ? "CLOSED" : "OPEN"; // the trial call to inside decides
        }
        if (breaker.equals("CLOSED")) {
            send(ex, 200, Map.of("status", "UP", "breaker", breaker));
        } else {
            send(ex, 503, Map.of("status", "DEGRADED", "breaker", breaker, "fallback", "default customer info"));
        }
    }

    private interface Handler {
        void handle() throws IOException;
    }

    private void admin(HttpExchange ex, Handler h) throws IOException {
        if (!adminToken.reveal().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, Map.of("error", "admin token required"));
            return;
        }
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        Integer earlier = key == null ? null : idempotencyKeys.get(key);
        if (earlier != null) {
            ex.getResponseHeaders().add("Idempotent-Replayed", "true");
            send(ex, earlier, Map.of("idempotencyKey", key, "replayed", true));
            return;
        }
        h.handle();
        if (key != null && ex.getResponseCode() < 300) {
            idempotencyKeys.put(key, ex.getResponseCode());
        }
    }

    private synchronized void halfOpen(HttpExchange ex) throws IOException {
        JsonNode body;
        try {
            body = Json.mapper().readTree(ex.getRequestBody());
        } catch (IOException e) {
            send(ex, 400, Map.of("error", "body must be JSON such as {\"service\":\"inside\"}"));
            return;
        }
        String service = body == null ? "" : body.path("service").asText();
        if (!service.equals(DEPENDENCY)) {
            send(ex, 400, Map.of("error", "unknown service '" + service + "'; known: " + DEPENDENCY));
        } else if (!breaker.equals("OPEN")) {
            send(ex, 409, Map.of("error", "breaker for " + service + " is " + breaker + ", not OPEN"));
        } else {
            breaker = "HALF_OPEN";
            halfOpenedAt = System.nanoTime();
            halfOpenCalls.incrementAndGet();
            send(ex, 200, Map.of("service", service, "state", breaker));
        }
    }

    private void replay(HttpExchange ex, String path) throws IOException {
        String id = path.substring("/admin/events/".length(), path.length() - "/replay".length());
        replayed.add(id);
        send(ex, 202, Map.of("event", id, "replayed", true));
    }

    private static void send(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "integration-svc at " + baseUrl() + " (breaker for " + DEPENDENCY + " " + breaker + ", " + DEPENDENCY
                + (dependencyHealthy ? " healthy" : " down") + ")";
    }
}
