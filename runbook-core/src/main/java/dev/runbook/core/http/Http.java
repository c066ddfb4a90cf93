package dev.runbook.core.http;

import java.util.Map;

/**
 * The entry point to the HTTP primitives: calls to admin endpoints as actions, and health, state and
 * Prometheus metrics endpoints as probes. Uses {@code java.net.http}; pass your own {@code HttpClient} where needed.
 *
 * <pre>{@code
 * import dev.runbook.core.http.Http;
 * HttpHealth health = Http.health("http://integration-svc:8080/health");
 * HttpMetric lag = Http.metric("http://mirrormaker-asia-to-cn:8080/metrics", "region_replication_lag_seconds")
 *     .label("region", "cn-to-global");
 * HttpField breaker = Http.field("http://integration-svc:8080/admin/circuit-breaker?service=inside", "/state");
 * HttpCall halfOpen = Http.post("http://integration-svc:8080/admin/circuit-breaker/half-open")
 *     .body("{\"service\":\"inside\"}").build();
 * }</pre>
 */
public final class Http {
    private Http() {}

    /**
     * A POST call, to finish with the builder.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public static HttpCall.Builder post(String url) {
        return HttpCall.builder("POST", url);
    }

    /** A PUT call, to finish with the builder. */
    public static HttpCall.Builder put(String url) {
        return HttpCall.builder("PUT", url);
    }

    /** A DELETE call, to finish with the builder. */
    public static HttpCall.Builder delete(String url) {
        return HttpCall.builder("DELETE", url);
    }

    /** A call of any method, to finish with the builder. */
    public static HttpCall.Builder call(String method, String url) {
        return HttpCall.builder(method, url);
    }

    /**
     * An admin endpoint that replays one dead letter per request, {@code {id}} in the URL replaced by its
     * replay id, which is also sent as the {@code Idempotency-Key}: a replay sink for any DLQ source.
     *
     * @throws IllegalArgumentException if the template has no {@code {id}} or is not an absolute http(s) URL
     */
    public static HttpReplayEndpoint.Builder replayEndpoint(String urlTemplate) {
        return HttpReplayEndpoint.builder(urlTemplate);
    }

    /**
     * A health probe GETting {@code url}.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public static HttpHealth health(String url) {
        return new HttpHealth(HttpSupport.defaultClient(), HttpSupport.uri(url), HttpSupport.DEFAULT_TIMEOUT);
    }

    /**
     * A probe reading metric {@code name} from a Prometheus {@code /metrics} endpoint (the text format): the
     * largest value of its series, narrowed with {@link HttpMetric#label(String, String)}.
     *
     * @throws IllegalArgumentException if the URL or the metric name is malformed
     */
    public static HttpMetric metric(String url, String name) {
        return new HttpMetric(
                HttpSupport.defaultClient(), HttpSupport.uri(url), name, Map.of(), HttpSupport.DEFAULT_TIMEOUT);
    }

    /**
     * A probe reading the field at {@code jsonPointer} (such as {@code /state}) of the JSON at {@code url}.
     *
     * @throws IllegalArgumentException if the URL or the pointer is malformed
     */
    public static HttpField field(String url, String jsonPointer) {
        return new HttpField(
                HttpSupport.defaultClient(),
                HttpSupport.uri(url),
                jsonPointer,
                Map.of(),
                Map.of(),
                HttpSupport.DEFAULT_TIMEOUT);
    }
}
