package dev.runbook.flink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few calls of Flink's REST API (the JobManager's {@code rest.port}) the actions need, over
 * java.net.http and core's JSON, with messages that say what to do. No Flink classes.
 */
final class FlinkRest {

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    FlinkRest(HttpClient http, URI base, Duration timeout) {
        this.http = http;
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.timeout = timeout;
    }

    URI base() {
        return base;
    }

    String target() {
        return "flink " + base.toString().replaceAll("/$", "");
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    /** GET {@code path}, or null on 404 (an unknown job or operation). */
    JsonNode getOrNull(String path) {
        try {
            return send("GET", path, null);
        } catch (NotFound e) {
            return null;
        }
    }

    /**
     * GET {@code path}, or null on 404 or a 5xx answer: for the statistics a job has only once it runs
     * (checkpoints, exceptions, metrics answer 500 while the JobManager is initializing the job).
     */
    JsonNode getIfAvailable(String path) {
        try {
            return send("GET", path, null);
        } catch (NotFound e) {
            return null;
        } catch (TargetUnavailableException e) {
            if (e.retriable()) {
                throw e;
            }
            return null;
        }
    }

    /** A 404 answer: the caller names what was not found. */
    static final class NotFound extends RefusedException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    /** POST {@code path} as multipart/form-data with one file part {@code field} ({@code POST /jars/upload}). */
    JsonNode upload(String path, String field, String fileName, byte[] bytes) {
        String boundary = "runbook-" + java.util.UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                        + fileName + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout.multipliedBy(4))
                .header("Accept", "application/json")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(java.util.List.of(head, bytes, tail)))
                .build();
        return exchange("POST", path, request);
    }

    JsonNode send(String method, String path, Object body) {
        URI uri = base.resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        return exchange(method, path, request);
    }

    private JsonNode exchange(String method, String path, HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new TargetUnavailableException(
                    target() + " did not answer " + method + " /" + path + " within " + timeout
                            + "; is the JobManager overloaded or paused? Try again, or raise the timeout"
                            + " (FlinkActions.connect(url, timeout))",
                    e,
                    true);
        } catch (ConnectException e) {
            throw new TargetUnavailableException(
                    target() + " refused the connection; is the JobManager running and is this its REST"
                            + " address (rest.address:rest.port)?",
                    e,
                    true);
        } catch (IOException e) {
            throw new TargetUnavailableException(target() + " failed " + method + " /" + path + ": " + e, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted calling " + target(), e);
        }
        int code = response.statusCode();
        if (code / 100 == 2) {
            String text = response.body();
            return text == null || text.isBlank() ? Json.tree(null) : Json.read(text, JsonNode.class);
        }
        String message = errors(response.body());
        if (code == 404) {
            throw new NotFound(target() + " has no " + path + " (404: " + message + ")");
        }
        if (code >= 500) {
            throw new TargetUnavailableException(
                    target() + " answered " + code + " to " + method + " /" + path + ": " + message, null, false);
        }
        throw new RefusedException(target() + " refused " + method + " /" + path + " with " + code + ": " + message);
    }

    /** The first line of each entry of Flink's {@code {"errors": [...]}} body. */
    static String errors(String body) {
        try {
            JsonNode n = Json.read(body, JsonNode.class);
            StringBuilder out = new StringBuilder();
            n.path("errors").forEach(e -> {
                String line = e.asText().lines().findFirst().orElse("").trim();
                // a stack trace: its root cause says what went wrong (a savepoint that cannot be mapped, ...)
                String cause = e.asText()
                        .lines()
                        .filter(l -> l.startsWith("Caused by: "))
                        .reduce((a, b) -> b)
                        .orElse(null);
                if (cause != null) {
                    line += " (root cause: "
                            + cause.substring("Caused by: ".length()).trim() + ")";
                }
                if (!line.isEmpty()) {
                    out.append(out.length() == 0 ? "" : " | ").append(line);
                }
            });
            return out.length() == 0 ? body : out.toString();
        } catch (RuntimeException e) {
            return body == null ? "" : body;
        }
    }
}
