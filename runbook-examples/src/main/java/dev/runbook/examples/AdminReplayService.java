package dev.runbook.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Secret;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpReplayEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for integration-svc's admin endpoint {@code POST /admin/events/{id}/replay} on a real loopback
 * socket, for INC-002: it checks the bearer token, records each event id it received, and processes each
 * {@code Idempotency-Key} once (a repeat answers 200 with {@code Idempotent-Replayed: true}).
 *
 * <pre>{@code
 * try (AdminReplayService admin = AdminReplayService.start()) {
 *     HttpReplayEndpoint endpoint = admin.endpoint();
 *     admin.received();   // event ids, in arrival order
 * }
 * }</pre>
 */
public final class AdminReplayService implements AutoCloseable {
    static {
        // the JDK server delays each answer ~40 ms (Nagle and delayed ACKs) without it
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Secret TOKEN = Secret.of("Bearer demo-admin-token");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final Set<String> processed = ConcurrentHashMap.newKeySet();

    private AdminReplayService() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port: " + e.getMessage(), e);
        }
        server.createContext("/admin/events/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Listens on a free loopback port. */
    public static AdminReplayService start() {
        return new AdminReplayService();
    }

    /** {@code http://127.0.0.1:<port>/admin/events/{id}/replay}. */
    public String template() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/admin/events/{id}/replay";
    }

    /** The endpoint with the admin token, as the runbook sends to it. */
    public HttpReplayEndpoint endpoint() {
        return endpoint(TOKEN);
    }

    /** The endpoint with another token (a wrong one is answered 401). */
    public HttpReplayEndpoint endpoint(Secret token) {
        return Http.replayEndpoint(template()).header("Authorization", token).build();
    }

    /** Event ids of every accepted request, in arrival order (repeats included). */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Event ids processed (once per Idempotency-Key), sorted. */
    public Set<String> processed() {
        return new TreeSet<>(processed);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith("/replay")) {
            send(ex, 404, "{\"error\":\"no such endpoint\"}");
            return;
        }
        if (!TOKEN.reveal().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"admin token required\"}");
            return;
        }
        String id = path.substring("/admin/events/".length(), path.length() - "/replay".length());
        received.add(id);
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        if (key != null && !keys.add(key)) {
            ex.getResponseHeaders().add("Idempotent-Replayed", "true");
            send(ex, 200, "{\"replayed\":false}");
            return;
        }
        processed.add(id);
        send(ex, 202, "{\"replayed\":true}");
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

    @Override
    public String toString() {
        return "admin endpoint " + template();
    }
}
