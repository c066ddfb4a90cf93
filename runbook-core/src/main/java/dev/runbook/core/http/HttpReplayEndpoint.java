package dev.runbook.core.http;

import dev.runbook.core.RefusedException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplayHeaders;
import dev.runbook.core.replay.ReplaySink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An admin endpoint that replays one dead letter per request, such as {@code POST
 * /admin/events/{id}/replay}: a {@link ReplaySink} for any DLQ source. Each request carries the record's
 * replay id (its position in the DLQ, such as the event id) in the URL, as the {@code Idempotency-Key}
 * and as {@link ReplayHeaders#REPLAY_ID} (percent-encoded there if it is not printable ASCII), and the
 * attempt in {@link ReplayHeaders#ATTEMPT}; a rerun after
 * a crash sends the same key again, so an endpoint that deduplicates by it runs each event once. A send
 * returns when the endpoint answered 2xx: nothing is buffered.
 *
 * <pre>{@code
 * HttpReplayEndpoint admin = Http.replayEndpoint("http://integration-svc:8080/admin/events/{id}/replay")
 *     .header("Authorization", Secret.of("Bearer " + token))
 *     .build();
 * }</pre>
 *
 * <p>A 429, a 5xx, a timeout or a refused connection throws a retriable {@link
 * TargetUnavailableException}; any other status throws {@link RefusedException} (a wrong URL or token
 * fails on the first event rather than on every one).
 */
public final class HttpReplayEndpoint {
    /** What the URL template must contain, replaced by the record's replay id (percent-encoded). */
    public static final String ID = "{id}";

    private final HttpClient client;
    private final String urlTemplate;
    private final Map<String, String> headers;
    private final Map<String, Secret> secretHeaders;
    private final Duration timeout;

    private HttpReplayEndpoint(Builder b) {
        this.client = b.client;
        this.urlTemplate = b.urlTemplate;
        this.headers = Map.copyOf(b.headers);
        this.secretHeaders = Map.copyOf(b.secretHeaders);
        this.timeout = b.timeout;
    }

    /**
     * Every setting a send uses, for an action's {@code parameters()}: secrets are bound as keyed hashes.
     *
     * @param url the URL template with {@value #ID}
     * @param headers plain headers
     * @param secretHeaders headers whose values are secrets
     * @param timeout how long one request may take
     */
    public record Params(
            String url, Map<String, String> headers, Map<String, Secret> secretHeaders, Duration timeout) {}

    /** The settings, secrets included as {@link Secret} values (which never print). */
    public Params parameters() {
        return new Params(urlTemplate, headers, secretHeaders, timeout);
    }

    /** {@code POST http://host/admin/events/{id}/replay}, for plans and messages. */
    public String name() {
        return "POST " + urlTemplate;
    }

    /** The headers as they may be shown: secret values masked. */
    public Map<String, String> shownHeaders() {
        return HttpSupport.shown(headers, secretHeaders);
    }

    /** The URL for one replay id. */
    public URI uri(String replayId) {
        return URI.create(urlTemplate.replace(ID, encode(replayId)));
    }

    /** A sink that POSTs each record it is sent; it holds nothing open, so one endpoint serves many replays. */
    public <P> ReplaySink<P> sink() {
        return new ReplaySink<>() {
            @Override
            public void send(DlqRecord<P> record, ReplayDecision decision) {
                post(record.position(), decision.attempt());
            }

            @Override
            public void consumed(List<DlqRecord<P>> records) {}

            @Override
            public void checkpoint() {}

            @Override
            public void close() {}
        };
    }

    /**
     * Sends one replay request and returns the status when it was 2xx.
     *
     * @throws TargetUnavailableException if the endpoint is unreachable, times out, or answers 429 or 5xx
     * @throws RefusedException if it answers another status
     */
    public int post(String replayId, int attempt) {
        URI uri = uri(replayId);
        String key = headerValue(replayId);
        HttpRequest request = HttpSupport.request(uri, timeout, headers, secretHeaders)
                .header(HttpSupport.IDEMPOTENCY_KEY, key)
                .header(ReplayHeaders.REPLAY_ID, key)
                .header(ReplayHeaders.ATTEMPT, Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = HttpSupport.send(client, request);
        } catch (TargetUnavailableException e) {
            throw new TargetUnavailableException(
                    "replay of " + replayId + ": " + e.getMessage() + "; the request carries "
                            + HttpSupport.IDEMPOTENCY_KEY + " " + replayId + ", so a rerun may send it again safely",
                    e.getCause(),
                    e.retriable());
        }
        int status = response.statusCode();
        if (HttpSupport.is2xx(status)) {
            return status;
        }
        String snippet = HttpSupport.snippet(response.body(), 200);
        if (status >= 500 || status == 429) {
            throw new TargetUnavailableException(
                    "POST " + uri + " answered " + status + ": " + snippet + "; the endpoint is failing; the request"
                            + " carries " + HttpSupport.IDEMPOTENCY_KEY + " " + replayId + ", so a rerun is safe",
                    null,
                    true);
        }
        throw new RefusedException("POST " + uri + " answered " + status + ": " + snippet + "; check the URL template ("
                + urlTemplate + ") and the token; the replay stops at this event");
    }

    /**
     * The id as a header value: as it is when it is printable ASCII (the usual case), else percent-encoded
     * as in the URL, because HTTP header values are not UTF-8.
     */
    static String headerValue(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return encode(id);
            }
        }
        return id;
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters, so an id stays one path segment. */
    static String encode(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
                out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "HttpReplayEndpoint[" + name() + ", headers " + shownHeaders() + "]";
    }

    /** Starts an endpoint; the template is an absolute http(s) URL containing {@value #ID}. */
    static Builder builder(String urlTemplate) {
        return new Builder(urlTemplate);
    }

    /** Builds an {@link HttpReplayEndpoint}. */
    public static final class Builder {
        private final String urlTemplate;
        private HttpClient client = HttpSupport.defaultClient();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, Secret> secretHeaders = new LinkedHashMap<>();
        private Duration timeout = HttpSupport.DEFAULT_TIMEOUT;

        private Builder(String urlTemplate) {
            Objects.requireNonNull(urlTemplate, "urlTemplate");
            if (!urlTemplate.contains(ID)) {
                throw new IllegalArgumentException("URL template '" + urlTemplate + "' has no " + ID
                        + " for the event id; give one such as http://127.0.0.1:8080/admin/events/{id}/replay");
            }
            HttpSupport.uri(urlTemplate.replace(ID, "id"));
            this.urlTemplate = urlTemplate.trim();
        }

        /** A header with a plain value. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(value, "value");
            HttpSupport.checkHeader(name, value);
            headers.put(name, value);
            return this;
        }

        /** A header whose value never prints (a bearer token). */
        public Builder header(String name, Secret value) {
            Objects.requireNonNull(value, "value");
            HttpSupport.checkHeader(name, value.reveal());
            secretHeaders.put(name, value);
            return this;
        }

        /**
         * How long one request may take; 10 s unless set.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("HTTP timeout must be > 0, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Sends through your client (proxy, TLS); a shared default client unless set. */
        public Builder client(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        public HttpReplayEndpoint build() {
            return new HttpReplayEndpoint(this);
        }
    }
}
