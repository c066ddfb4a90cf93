package dev.runbook.trino;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few calls of Trino's coordinator REST API the actions need, over java.net.http and core's JSON. */
final class TrinoRest {

    /** What {@code PUT /v1/query/{id}/killed} answered. */
    enum KillAnswer {
        ACCEPTED,
        ALREADY_DONE,
        GONE
    }

    private final HttpClient http;
    private final URI base;
    private final String user;
    private final Duration timeout;

    TrinoRest(HttpClient http, URI base, String user, Duration timeout) {
        this.http = http;
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.user = user;
        this.timeout = timeout;
    }

    String target() {
        return "trino " + base.toString().replaceAll("/$", "");
    }

    /** Every query the coordinator still lists. */
    List<TrinoQuery> queries() {
        List<TrinoQuery> out = new ArrayList<>();
        send("GET", "v1/query", null).body().forEach(n -> out.add(TrinoQuery.of(n)));
        return out;
    }

    /** One query, or null if the coordinator does not know it (any more). */
    TrinoQuery query(String queryId) {
        Answer a = send("GET", "v1/query/" + enc(queryId), null);
        return a.code() == 404 || a.code() == 410 ? null : TrinoQuery.of(a.body());
    }

    KillAnswer kill(String queryId, String message) {
        Answer a = send("PUT", "v1/query/" + enc(queryId) + "/killed", message);
        return switch (a.code()) {
            case 409 -> KillAnswer.ALREADY_DONE;
            case 404, 410 -> KillAnswer.GONE;
            default -> KillAnswer.ACCEPTED;
        };
    }

    private record Answer(int code, JsonNode body) {}

    private Answer send(String method, String path, String text) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("X-Trino-User", user)
                .method(
                        method,
                        text == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new TargetUnavailableException(
                    target() + " did not answer " + method + " /" + path + " within " + timeout
                            + "; is the coordinator overloaded? Try again, or raise the timeout",
                    e,
                    true);
        } catch (ConnectException e) {
            throw new TargetUnavailableException(
                    target() + " refused the connection; is the coordinator running at this address?", e, true);
        } catch (IOException e) {
            throw new TargetUnavailableException(target() + " failed " + method + " /" + path + ": " + e, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted calling " + target(), e);
        }
        int code = r.statusCode();
        if (code / 100 == 2 || code == 404 || code == 409 || code == 410) {
            String b = r.body();
            return new Answer(
                    code, b == null || b.isBlank() || code / 100 != 2 ? Json.tree(null) : Json.read(b, JsonNode.class));
        }
        if (code == 401 || code == 403) {
            throw new RefusedException(target() + " denied " + method + " /" + path + " to user '" + user + "' (" + code
                    + "): killing another user's query needs the kill-query access control rule for that owner");
        }
        throw new TargetUnavailableException(
                target() + " answered " + code + " to " + method + " /" + path + ": " + r.body(), null, code >= 500);
    }

    private static String enc(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
