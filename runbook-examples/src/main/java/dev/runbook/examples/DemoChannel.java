package dev.runbook.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo's stand-in for Slack: a local incoming-webhook endpoint on 127.0.0.1 that accepts what
 * {@code NotifyActions.slack(...)} posts (Block Kit JSON) and prints each message's headline as it
 * arrives, so the demo shows what #prod-alerts would read.
 *
 * <pre>{@code
 * try (DemoChannel channel = DemoChannel.start("#prod-alerts", System.out)) {
 *     Notifier slack = NotifyActions.slack(Secret.of(channel.url()), channel.name());
 * }
 * }</pre>
 */
public final class DemoChannel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private DemoChannel(String name, PrintStream out) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String headline = headline(body);
                received.add(headline);
                out.println("   " + name + " <- " + headline);
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
            }
        });
        server.start();
    }

    /**
     * Starts the endpoint on a free port of 127.0.0.1.
     *
     * @param name the channel the messages are for, such as {@code #prod-alerts}
     * @param out where each message's headline is printed
     */
    public static DemoChannel start(String name, PrintStream out) {
        try {
            return new DemoChannel(name, out);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not open a local webhook endpoint on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static String headline(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            return root.path("text").asText(body);
        } catch (IOException e) {
            return body;
        }
    }

    /** The channel's name. */
    public String name() {
        return name;
    }

    /** The webhook URL to post to (a secret in real life: Slack's URL is the credential). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/demo";
    }

    /** The headlines received so far, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
