package dev.runbook.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * The small endpoint decisions are posted back to: {@code POST /approvals/{requestId}} with a decision
 * as JSON (and {@code Authorization: Bearer <token>} when a token is set). It hands each body to the
 * pending request's judge and answers with the judge's status and sentence.
 */
final class ApprovalCallbackServer implements AutoCloseable {
    /** What the gate answers a posted decision: an HTTP status and one sentence. */
    record Answer(int status, String message) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final Secret token;
    private final Map<String, BiFunction<String, String, Answer>> pending = new ConcurrentHashMap<>();

    ApprovalCallbackServer(InetSocketAddress address, Secret token) {
        this.token = token;
        try {
            this.server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot listen for approval decisions on " + address + ": " + e.getMessage()
                            + "; choose another port (0 picks a free one)",
                    e);
        }
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "runbook-approval-callback");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/approvals/", this::handle);
        server.start();
    }

    URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/approvals/");
    }

    /** Registers the judge of one request until {@link #done}. */
    void await(String requestId, BiFunction<String, String, Answer> judge) {
        pending.put(requestId, judge);
    }

    void done(String requestId) {
        pending.remove(requestId);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, new Answer(405, "POST a decision to /approvals/{requestId}"));
                return;
            }
            if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, new Answer(401, "missing or wrong bearer token"));
                return;
            }
            String id = ex.getRequestURI().getPath().substring("/approvals/".length());
            BiFunction<String, String, Answer> judge = pending.get(id);
            if (judge == null) {
                reply(ex, new Answer(404, "no approval request '" + id + "' is waiting (it was decided or timed out)"));
                return;
            }
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            reply(ex, judge.apply(id, body));
        }
    }

    private boolean authorized(String header) {
        byte[] want = ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
        byte[] got = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(want, got);
    }

    private static void reply(HttpExchange ex, Answer a) throws IOException {
        byte[] bytes =
                ("{\"message\":" + dev.runbook.core.Json.write(a.message()) + "}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(a.status(), bytes.length);
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
