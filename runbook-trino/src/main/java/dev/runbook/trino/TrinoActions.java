package dev.runbook.trino;

import dev.runbook.core.Probe;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Trino entry point: the coordinator's query list and killing a query, over its REST API ({@code
 * /v1/query}), no Trino jar needed.
 *
 * <pre>{@code
 * TrinoActions trino = TrinoActions.connect("http://trino:8080", "oncall");
 * trino.queuedQueries().read();     // queries {QUEUED=14, RUNNING=3}, oldest queued ..., heaviest by CPU ...
 * trino.killQuery("20251207_031500_00042_abcde", "INC-42: 40-minute scan starves the dashboards");
 * }</pre>
 */
public final class TrinoActions {

    private final TrinoRest rest;

    private TrinoActions(TrinoRest rest) {
        this.rest = rest;
    }

    /**
     * The coordinator at {@code url} as {@code user} (sent as {@code X-Trino-User}), 15 s per request.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL or the user is blank
     */
    public static TrinoActions connect(String url, String user) {
        return of(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                url,
                user,
                Duration.ofSeconds(15));
    }

    /** Your configured client (TLS, authentication) for the coordinator at {@code url}. */
    public static TrinoActions of(HttpClient client, String url, String user, Duration timeout) {
        URI uri = URI.create(Objects.requireNonNull(url, "url").trim());
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an absolute http(s) URL; give the coordinator's"
                    + " address, such as http://trino:8080");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("name the user to act as (X-Trino-User), such as 'oncall'");
        }
        return new TrinoActions(new TrinoRest(Objects.requireNonNull(client, "client"), uri, user, timeout));
    }

    /** Counts by state, the oldest queued, the heaviest running by CPU and memory ({@code GET /v1/query}). */
    public Probe<QueuedQueries> queuedQueries() {
        return Probe.of(rest.target() + " queries", () -> QueuedQueries.of(rest.queries()));
    }

    /** An action that kills one query, with a justification for its owner and the audit. */
    public KillQuery killQuery(String queryId, String justification) {
        return new KillQuery(rest, List.of(Objects.requireNonNull(queryId, "queryId")), justification);
    }

    /** An action that kills several queries; a {@code queries} budget in {@code Guards} caps how many. */
    public KillQuery killQueries(List<String> queryIds, String justification) {
        return new KillQuery(rest, queryIds, justification);
    }

    @Override
    public String toString() {
        return "TrinoActions[" + rest.target() + "]";
    }
}
