package dev.runbook.core.http;

import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What the HTTP primitives share: the default client, URL checks, sending with clear errors. */
final class HttpSupport {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private static final HttpClient DEFAULT_CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private HttpSupport() {}

    static HttpClient defaultClient() {
        return DEFAULT_CLIENT;
    }

    /**
     * Parses an absolute http(s) URL.
     *
     * @throws IllegalArgumentException naming the URL and an example of a good one
     */
    static URI uri(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(
                    "URL is empty; give an absolute URL such as http://127.0.0.1:8080/health");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "URL '" + url + "' is not valid (" + e.getReason()
                            + "); give one such as http://127.0.0.1:8080/health",
                    e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "URL '" + url + "' is not an absolute http(s) URL; give one such as http://127.0.0.1:8080/health");
        }
        return uri;
    }

    /**
     * Checks that a header can be sent, so that a bad one fails when the action is built, not at 3 a.m.
     *
     * @throws IllegalArgumentException for a restricted or malformed header
     */
    static void checkHeader(String name, String value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("header name is empty");
        }
        if (name.equalsIgnoreCase(IDEMPOTENCY_KEY)) {
            throw new IllegalArgumentException("do not set the " + IDEMPOTENCY_KEY
                    + " header: the action sets it from the run and step (ActionContext.idempotencyKey())");
        }
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header(name, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header '" + name + "' cannot be sent: " + e.getMessage(), e);
        }
    }

    /** Builds a request with the plain and secret headers. */
    static HttpRequest.Builder request(
            URI uri, Duration timeout, Map<String, String> headers, Map<String, Secret> secretHeaders) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(b::header);
        secretHeaders.forEach((k, v) -> b.header(k, v.reveal()));
        return b;
    }

    /** The headers as they may be shown: secret values masked. */
    static Map<String, String> shown(Map<String, String> headers, Map<String, Secret> secretHeaders) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        secretHeaders.forEach((k, v) -> out.put(k, v.masked()));
        return out;
    }

    /**
     * Sends a request and returns the response, whatever its status.
     *
     * @throws TargetUnavailableException if the server cannot be reached or does not answer in time
     */
    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        String what = request.method() + " " + request.uri();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TargetUnavailableException(
                    what + " did not answer within "
                            + request.timeout().map(Duration::toString).orElse("the timeout")
                            + "; check that the service is up, or raise the timeout",
                    e,
                    true);
        } catch (ConnectException e) {
            throw new TargetUnavailableException(
                    what + " refused the connection; is the service running and listening on "
                            + request.uri().getHost() + ":" + port(request.uri()) + "?",
                    e,
                    true);
        } catch (IOException e) {
            throw new TargetUnavailableException(
                    what + " failed: " + e + "; check the service and the network", e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunbookException("interrupted while waiting for " + what, e);
        }
    }

    static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The body on one line, at most {@code max} characters. */
    static String snippet(String body, int max) {
        if (body == null) {
            return "";
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max) + "...";
    }

    /**
     * GETs {@code uri} once, accepting {@code accept}, and returns the body of a 2xx answer; any other status is a
     * {@link TargetUnavailableException} naming it, a snippet of the body and {@code hint}
     * (retriable for 5xx and 429). The probes' one read.
     */
    static String getBody(
            HttpClient client,
            URI uri,
            Duration timeout,
            Map<String, String> headers,
            Map<String, Secret> secretHeaders,
            String accept,
            String hint) {
        HttpRequest request = request(uri, timeout, headers, secretHeaders)
                .header("Accept", accept)
                .GET()
                .build();
        HttpResponse<String> response = send(client, request);
        int status = response.statusCode();
        if (!is2xx(status)) {
            throw new TargetUnavailableException(
                    "GET " + uri + " answered " + status + ": " + snippet(response.body(), 200) + "; " + hint,
                    null,
                    status >= 500 || status == 429);
        }
        return response.body();
    }

    static boolean is2xx(int status) {
        return status >= 200 && status < 300;
    }
}
