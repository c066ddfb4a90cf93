package dev.runbook.core.http;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.TargetUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A probe that GETs a health endpoint and reports status, latency and the start of the body. Reading
 * it never changes anything.
 *
 * <pre>{@code
 * HttpHealth health = Http.health("http://integration-svc:8080/health");
 * runbook.waitUntil("integration-svc is healthy", health, HttpHealth.healthy(), Duration.ofMinutes(2));
 * }</pre>
 */
public final class HttpHealth implements Probe<Health> {
    private static final int SNIPPET = 200;

    private final HttpClient client;
    private final URI uri;
    private final Duration timeout;

    HttpHealth(HttpClient client, URI uri, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health timeout must be > 0, was " + timeout);
        }
    }

    /** The same probe with another request timeout (10 s unless set). */
    public HttpHealth withTimeout(Duration timeout) {
        return new HttpHealth(client, uri, timeout);
    }

    /** The same probe sending through {@code client} (your proxy, TLS and authentication settings). */
    public HttpHealth withClient(HttpClient client) {
        return new HttpHealth(client, uri, timeout);
    }

    @Override
    public String name() {
        return "health " + uri;
    }

    /**
     * GETs the endpoint once. Any status is a reading; only an unreachable server throws.
     *
     * @throws TargetUnavailableException if the server refuses the connection or does not answer in time
     */
    @Override
    public Health read() {
        HttpRequest request =
                HttpSupport.request(uri, timeout, Map.of(), Map.of()).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<String> response = HttpSupport.send(client, request);
        Duration latency = Duration.ofNanos(System.nanoTime() - t0);
        return new Health(
                uri.toString(), response.statusCode(), latency, HttpSupport.snippet(response.body(), SNIPPET));
    }

    /** Status 2xx. */
    public static Condition<Health> healthy() {
        return Condition.of("is 2xx", Health::ok);
    }

    /** Exactly this status. */
    public static Condition<Health> status(int status) {
        return Condition.of("has status " + status, h -> h.status() == status);
    }

    /** Status 2xx and an answer faster than {@code latency}. */
    public static Condition<Health> healthyWithin(Duration latency) {
        return Condition.of(
                "is 2xx within " + latency.toMillis() + " ms",
                h -> h.ok() && h.latency().compareTo(latency) < 0);
    }

    /** Status 2xx and a body containing {@code text}. */
    public static Condition<Health> healthyAndContains(String text) {
        return Condition.of(
                "is 2xx and contains '" + text + "'", h -> h.ok() && h.body().contains(text));
    }

    @Override
    public String toString() {
        return "HttpHealth[" + uri + "]";
    }
}
