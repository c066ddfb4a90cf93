package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One cluster as the actions see it: the user's client, a name for people, and one place where every
 * request is made, counted and its failures turned into this library's exceptions.
 */
final class EsTarget implements AutoCloseable {
    private final ElasticsearchClient client;
    private final String name;
    private final AutoCloseable owned;
    private final AtomicLong requests = new AtomicLong();

    EsTarget(ElasticsearchClient client, String name, AutoCloseable owned) {
        this.client = client;
        this.name = name != null ? name : nameOf(client);
        this.owned = owned;
    }

    private static String nameOf(ElasticsearchClient client) {
        if (client._transport() instanceof RestClientTransport t
                && !t.restClient().getNodes().isEmpty()) {
            return t.restClient().getNodes().stream()
                    .map(n -> n.getHost().toURI())
                    .collect(Collectors.joining(","));
        }
        return "elasticsearch";
    }

    String name() {
        return name;
    }

    ElasticsearchClient client() {
        return client;
    }

    /** HTTP requests made through {@link #call} and {@link #callRaw} so far. */
    long requests() {
        return requests.get();
    }

    /** One request. */
    @FunctionalInterface
    interface Request<T> {
        T send(ElasticsearchClient client) throws IOException;
    }

    /**
     * Makes one request, turning failures into this library's exceptions: unreachable, 5xx and
     * authentication failures into {@link TargetUnavailableException}, other refusals into {@link
     * RefusedException} naming {@code what} and the server's reason.
     */
    <T> T call(String what, Request<T> request) {
        try {
            return callRaw(what, request);
        } catch (ElasticsearchException e) {
            throw new RefusedException(name + " refused " + what + ": " + reason(e), e);
        }
    }

    /** Like {@link #call} but lets 4xx answers other than 401 through as {@link ElasticsearchException}. */
    <T> T callRaw(String what, Request<T> request) {
        requests.incrementAndGet();
        try {
            try {
                return request.send(client);
            } catch (IOException e) {
                ElasticsearchException answered = asErrorAnswer(e);
                if (answered == null) {
                    throw e;
                }
                throw answered;
            }
        } catch (ElasticsearchException e) {
            if (e.status() == 401 || (e.status() == 403 && "security_exception".equals(type(e)))) {
                throw new TargetUnavailableException(
                        name + " refused " + what + " (HTTP " + e.status() + ", " + reason(e) + "): check the"
                                + " credentials given to ElasticsearchActions.connect(url, apiKey) or connect(url,"
                                + " user, password), and the user's privileges",
                        e,
                        false);
            }
            if (e.status() >= 500 || e.status() == 429) {
                throw new TargetUnavailableException(
                        name + " could not serve " + what + " (HTTP " + e.status() + ", " + reason(e)
                                + "); check the cluster's health and try again",
                        e);
            }
            throw e;
        } catch (TransportException e) {
            throw unavailable(what, e);
        } catch (IOException e) {
            throw unavailable(what, e);
        } catch (UncheckedIOException e) {
            throw unavailable(what, e.getCause());
        }
    }

    /**
     * An HTTP error answer that the client could not map to its error type (it reports some, such as a
     * 409 from {@code _create}, as a transport failure): the same answer as an {@link
     * ElasticsearchException}, so that it is handled as the refusal it is. {@code null} if no answer came.
     */
    private static ElasticsearchException asErrorAnswer(IOException e) {
        int status = e instanceof TransportException te ? te.statusCode() : 0;
        Throwable c = e;
        while (c != null && !(c instanceof org.elasticsearch.client.ResponseException) && c.getCause() != c) {
            c = c.getCause();
        }
        String body = null;
        if (c instanceof org.elasticsearch.client.ResponseException re) {
            status = re.getResponse().getStatusLine().getStatusCode();
            try {
                body = org.apache.http.util.EntityUtils.toString(
                        re.getResponse().getEntity());
            } catch (IOException | RuntimeException ignored) {
                body = null;
            }
        }
        if (status < 400) {
            return null;
        }
        String type = "http_" + status;
        String reason = e.getMessage();
        if (body != null) {
            try {
                com.fasterxml.jackson.databind.JsonNode n =
                        dev.runbook.core.Json.mapper().readTree(body);
                com.fasterxml.jackson.databind.JsonNode err = n.path("error");
                if (err.isObject()) {
                    type = err.path("type").asText(type);
                    reason = err.path("reason").asText(reason);
                } else if (err.isTextual()) {
                    reason = err.asText();
                }
            } catch (IOException | RuntimeException ignored) {
                reason = body;
            }
        }
        int code = status;
        String t = type;
        String r = reason;
        return new ElasticsearchException(
                e instanceof TransportException te ? te.endpointId() : "unknown",
                co.elastic.clients.elasticsearch._types.ErrorResponse.of(
                        x -> x.status(code).error(ec -> ec.type(t).reason(r))));
    }

    private TargetUnavailableException unavailable(String what, IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root instanceof ConnectException
                ? "refused the connection; is it running, and is the URL right?"
                : "did not answer (" + root.getClass().getSimpleName() + ": " + root.getMessage()
                        + "); is it running and reachable?";
        return new TargetUnavailableException("elasticsearch " + name + " " + why + " (while " + what + ")", e);
    }

    static String type(ElasticsearchException e) {
        ErrorCause c = e.error();
        return c == null ? null : c.type();
    }

    /** {@code type: reason} of an error answer. */
    static String reason(ElasticsearchException e) {
        ErrorCause c = e.error();
        if (c == null) {
            return e.getMessage();
        }
        return c.type() + ": " + c.reason();
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // closing a client we opened: nothing the user can do about a failure
            }
        }
    }
}
