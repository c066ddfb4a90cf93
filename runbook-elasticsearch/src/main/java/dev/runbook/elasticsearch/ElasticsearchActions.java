package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.runbook.core.Probe;
import dev.runbook.core.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/**
 * The Elasticsearch remediation kit: delete old indices by pattern without ever sending a wildcard,
 * reindex into a corrected mapping and swap an alias atomically, read cluster health and disk
 * allocation, and keep the audit trail in an index.
 *
 * <pre>{@code
 * try (var es = ElasticsearchActions.connect("http://127.0.0.1:9200")) {
 *     System.out.println(es.clusterHealth().read());
 *     var cleanup = es.deleteIndices("orders-2025-*").maxIndices(50);
 *     var plan = cleanup.plan(ActionContext.standalone());   // lists each index, deletes nothing
 * }
 * }</pre>
 *
 * <p>Closing it closes only what it opened itself: a client given by the user stays open.
 */
public final class ElasticsearchActions implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int SOCKET_TIMEOUT_MS = 60_000;

    private final EsTarget target;

    private ElasticsearchActions(EsTarget target) {
        this.target = target;
    }

    /**
     * Connects without credentials, for JShell: {@code http://host:9200} or {@code https://...}. No request
     * is made until the first plan or probe.
     *
     * @throws IllegalArgumentException for a malformed URL
     */
    public static ElasticsearchActions connect(String url) {
        return open(url, List.of());
    }

    /**
     * Connects with an API key (the {@code encoded} value that {@code POST /_security/api_key} returns),
     * sent as {@code Authorization: ApiKey ...}; the key never prints.
     */
    public static ElasticsearchActions connect(String url, Secret apiKey) {
        return open(url, List.of(new BasicHeader("Authorization", "ApiKey " + apiKey.reveal())));
    }

    /** Connects with basic authentication; the password never prints. */
    public static ElasticsearchActions connect(String url, String user, Secret password) {
        String token =
                Base64.getEncoder().encodeToString((user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
        return open(url, List.of(new BasicHeader("Authorization", "Basic " + token)));
    }

    private static ElasticsearchActions open(String url, List<Header> headers) {
        URI u = parse(url);
        HttpHost host = new HttpHost(u.getHost(), u.getPort() < 0 ? 9200 : u.getPort(), u.getScheme());
        RestClient rest = RestClient.builder(host)
                .setDefaultHeaders(headers.toArray(Header[]::new))
                .setRequestConfigCallback(
                        c -> c.setConnectTimeout(CONNECT_TIMEOUT_MS).setSocketTimeout(SOCKET_TIMEOUT_MS))
                .build();
        ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        String label = u.getScheme() + "://" + u.getHost() + ":" + host.getPort();
        return new ElasticsearchActions(new EsTarget(client, label, rest));
    }

    private static URI parse(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: '" + url + "'; use http://host:9200", e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new IllegalArgumentException("not an Elasticsearch URL: '" + url + "'; use http://host:9200");
        }
        if (u.getUserInfo() != null) {
            throw new IllegalArgumentException("credentials in the URL would print in plans and logs; use"
                    + " ElasticsearchActions.connect(url, user, Secret.of(password)) instead");
        }
        return u;
    }

    /** Uses the user's client (any transport); closing these actions leaves it open. */
    public static ElasticsearchActions of(ElasticsearchClient client) {
        return new ElasticsearchActions(new EsTarget(client, null, null));
    }

    /**
     * Deletes the concrete indices that {@code pattern} resolves to, by name, never by wildcard; see
     * {@link DeleteIndices}. The pattern is checked when planning.
     */
    public DeleteIndices deleteIndices(String pattern) {
        return new DeleteIndices(target, DeleteSettings.defaults(pattern));
    }

    /** Moves {@code alias} to {@code index} in one atomic {@code _aliases} call; see {@link SwapAlias}. */
    public SwapAlias swapAlias(String alias, String index) {
        return SwapAlias.to(target, alias, index);
    }

    /** Copies {@code source} into the existing index {@code dest} as a task; see {@link Reindex}. */
    public Reindex reindex(String source, String dest) {
        return new Reindex(target, ReindexSettings.defaults(source, dest));
    }

    /** {@code _cluster/health}, with the red indices named when there are any. */
    public Probe<ClusterHealth> clusterHealth() {
        return Probe.of(target.name() + " cluster health", () -> ClusterHealth.read(target));
    }

    /** {@code _cat/allocation} per node, with the disk watermarks in force. */
    public Probe<DiskAllocation> diskAllocation() {
        return Probe.of(target.name() + " disk allocation", () -> DiskAllocation.read(target));
    }

    /**
     * The indices {@code pattern} matches (hidden ones too), each with health, status, docs, size,
     * creation date, aliases and attributes: {@code _cat/indices/orders-*} with the facts a delete needs.
     */
    public Probe<IndexListing> indices(String pattern) {
        Names.checkPattern(pattern);
        return Probe.of(target.name() + " indices '" + pattern + "'", () -> IndexListing.read(target, pattern));
    }

    /**
     * An audit sink that appends hash-chained records to {@code index}, creating it if missing; see {@link
     * ElasticsearchAuditSink}.
     */
    public ElasticsearchAuditSink auditSink(String index) {
        return ElasticsearchAuditSink.open(target, index);
    }

    /** How many HTTP requests these actions and probes have sent so far. */
    public long requestsSent() {
        return target.requests();
    }

    EsTarget target() {
        return target;
    }

    /** The cluster, for people. */
    public String name() {
        return target.name();
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "ElasticsearchActions[" + target.name() + "]";
    }
}
