package dev.runbook.core.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.Probe;
import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A probe that GETs a JSON document and reads one field of it by JSON pointer, such as an admin
 * endpoint's circuit-breaker state. {@link HttpCall} uses it to observe the state it changes.
 *
 * <pre>{@code
 * HttpField breaker = Http.field("http://integration-svc:8080/admin/circuit-breaker?service=inside", "/state");
 * breaker.read(); // "OPEN"
 * }</pre>
 */
public final class HttpField implements Probe<String> {
    private final HttpClient client;
    private final URI uri;
    private final String pointer;
    private final Map<String, String> headers;
    private final Map<String, Secret> secretHeaders;
    private final Duration timeout;

    HttpField(
            HttpClient client,
            URI uri,
            String pointer,
            Map<String, String> headers,
            Map<String, Secret> secretHeaders,
            Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.uri = Objects.requireNonNull(uri, "uri");
        if (pointer == null || !(pointer.isEmpty() || pointer.startsWith("/"))) {
            throw new IllegalArgumentException(
                    "JSON pointer '" + pointer + "' must be empty (the whole body) or start with '/', such as /state");
        }
        this.pointer = pointer;
        this.headers = Map.copyOf(headers);
        this.secretHeaders = Map.copyOf(secretHeaders);
        this.timeout = timeout;
    }

    /** The same probe sending a header, such as an admin token. */
    public HttpField withHeader(String name, Secret value) {
        HttpSupport.checkHeader(name, value.reveal());
        Map<String, Secret> more = new LinkedHashMap<>(secretHeaders);
        more.put(name, value);
        return new HttpField(client, uri, pointer, headers, more, timeout);
    }

    /** The same probe sending through {@code client}. */
    public HttpField withClient(HttpClient client) {
        return new HttpField(client, uri, pointer, headers, secretHeaders, timeout);
    }

    /** The URL read. */
    public URI uri() {
        return uri;
    }

    /** The JSON pointer read. */
    public String pointer() {
        return pointer;
    }

    @Override
    public String name() {
        return (pointer.isEmpty() ? "body" : pointer) + " of GET " + uri;
    }

    /**
     * GETs the document and returns the field as text (a number or boolean as its JSON text, an object
     * as compact JSON; the whole trimmed body for the empty pointer).
     *
     * @throws TargetUnavailableException if the server cannot be reached or answers other than 2xx
     * @throws RunbookException if the body is not JSON or has no such field
     */
    @Override
    public String read() {
        String body = HttpSupport.getBody(
                client,
                uri,
                timeout,
                headers,
                secretHeaders,
                "application/json",
                "check the URL and the token, and that the service is up");
        if (pointer.isEmpty()) {
            return body.trim();
        }
        JsonNode doc;
        try {
            doc = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new RunbookException(
                    "GET " + uri + " did not answer JSON (" + HttpSupport.snippet(body, 100)
                            + "); use the empty pointer \"\" to read the body as text",
                    e);
        }
        JsonNode field = doc.at(pointer);
        if (field.isMissingNode()) {
            throw new RunbookException("GET " + uri + " has no field " + pointer + " in "
                    + HttpSupport.snippet(body, 200) + "; check the JSON pointer");
        }
        return field.isValueNode() ? field.asText() : Json.write(field);
    }

    @Override
    public String toString() {
        return "HttpField[" + name() + "]";
    }
}
