package dev.runbook.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on a free loopback port that records every request (method, path, headers, body)
 * and answers from a script of responses, then from a handler (200 "ok" unless set).
 */
final class StubServer implements AutoCloseable {
    /** A request as the server received it. */
    record Request(String method, String path, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** An answer: status, headers, body. */
    record Response(int status, Map<String, String> headers, String body) {
        static Response of(int status, String body) {
            return new Response(status, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private Function<Request, Response> handler = r -> Response.of(200, "ok");

    StubServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next requests with these responses, in order. */
    synchronized StubServer then(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    synchronized StubServer handler(Function<Request, Response> h) {
        this.handler = h;
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized void reset() {
        requests.clear();
        script.clear();
        handler = r -> Response.of(200, "ok");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body);
            Response res;
            Function<Request, Response> h;
            synchronized (this) {
                requests.add(req);
                res = script.poll();
                h = handler;
            }
            if (res == null) {
                res = h.apply(req);
            }
            byte[] bytes = res.body().getBytes(StandardCharsets.UTF_8);
            res.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(res.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
