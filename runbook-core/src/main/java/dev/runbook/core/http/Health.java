package dev.runbook.core.http;

import java.time.Duration;
import java.util.Objects;

/**
 * One read of an HTTP health endpoint: status, latency and the start of the body.
 *
 * <pre>{@code
 * Health h = Http.health("http://127.0.0.1:8080/health").read();
 * h.ok();          // true for 2xx
 * System.out.println(h); // 200 in 3 ms: {"status":"UP"}
 * }</pre>
 *
 * @param url the endpoint
 * @param status the HTTP status
 * @param latency how long the answer took
 * @param body the body on one line, at most 200 characters
 */
public record Health(String url, int status, Duration latency, String body) {
    public Health {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(latency, "latency");
        body = body == null ? "" : body;
    }

    /** Whether the status is 2xx. */
    public boolean ok() {
        return HttpSupport.is2xx(status);
    }

    @Override
    public String toString() {
        return status + " in " + latency.toMillis() + " ms" + (body.isEmpty() ? "" : ": " + body);
    }
}
