package dev.runbook.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few Kafka Connect REST calls the actions need, over java.net.http, with messages that say what to do. */
final class ConnectClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;

    ConnectClient(HttpClient http, URI base) {
        this.http = http;
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
    }

    URI base() {
        return base;
    }

    List<String> connectors() {
        JsonNode body = send("GET", "connectors", null);
        List<String> out = new ArrayList<>();
        body.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }

    ConnectorStatus status(String name) {
        JsonNode body = send("GET", "connectors/" + enc(name) + "/status", name);
        List<ConnectorStatus.Task> tasks = new ArrayList<>();
        body.path("tasks")
                .forEach(t -> tasks.add(new ConnectorStatus.Task(
                        t.path("id").asInt(),
                        t.path("state").asText(),
                        t.path("worker_id").asText(null),
                        t.hasNonNull("trace") ? t.get("trace").asText() : null)));
        JsonNode c = body.path("connector");
        return new ConnectorStatus(
                name, c.path("state").asText(), c.path("worker_id").asText(null), tasks);
    }

    void pause(String name) {
        send("PUT", "connectors/" + enc(name) + "/pause", name);
    }

    void resume(String name) {
        send("PUT", "connectors/" + enc(name) + "/resume", name);
    }

    void restart(String name, boolean includeTasks, boolean onlyFailed) {
        send(
                "POST",
                "connectors/" + enc(name) + "/restart?includeTasks=" + includeTasks + "&onlyFailed=" + onlyFailed,
                name);
    }

    private JsonNode send(String method, String path, String connector) {
        URI uri = base.resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TargetUnavailableException(
                    "Kafka Connect at " + base + " did not answer " + method + " " + path + " (" + e
                            + "); is the worker running and is this its REST listener?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted calling Kafka Connect at " + base, e);
        }
        int code = response.statusCode();
        if (code / 100 == 2) {
            String body = response.body();
            return body == null || body.isBlank() ? Json.tree(null) : Json.read(body, JsonNode.class);
        }
        String message = errorMessage(response.body());
        if (code == 404 && connector != null) {
            throw new RefusedException("connector '" + connector + "' does not exist on Kafka Connect at " + base + " ("
                    + message + "); known connectors: " + connectors());
        }
        if (code == 409 || code == 503 || code >= 500) {
            throw new TargetUnavailableException(
                    "Kafka Connect at " + base + " answered " + code + " to " + method + " " + path + ": " + message
                            + "; the cluster may be rebalancing, try again shortly",
                    null);
        }
        throw new RefusedException(
                "Kafka Connect at " + base + " refused " + method + " " + path + " with " + code + ": " + message);
    }

    private static String errorMessage(String body) {
        try {
            JsonNode n = Json.read(body, JsonNode.class);
            return n.path("message").asText(body);
        } catch (RuntimeException e) {
            return body;
        }
    }

    private static String enc(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name the connector, such as 'orders-sink'");
        }
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
