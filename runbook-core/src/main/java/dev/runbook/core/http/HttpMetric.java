package dev.runbook.core.http;

import dev.runbook.core.Probe;
import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A probe that GETs a Prometheus {@code /metrics} endpoint (the text exposition format) and reads one
 * metric: the largest value over the series of that name whose labels include the given ones, as {@code
 * curl -s URL | grep NAME} read by a person who takes the worst series. Reading it never changes anything.
 *
 * <pre>{@code
 * HttpMetric lag = Http.metric("http://mirrormaker-asia-to-cn:8080/metrics", "region_replication_lag_seconds")
 *     .label("region", "cn-to-global");
 * lag.read();                                          // 412.0
 * runbook.verify("lag under 30 s", lag, Conditions.below(30));
 * }</pre>
 *
 * <p>Refuses rather than guesses: a series whose value is {@code NaN} (no measurement) makes the read fail
 * naming it, as do no matching series (the error lists the series of that name that exist) and a body that
 * is not in the format (the error names the line). {@code +Inf} is a value.
 */
public final class HttpMetric implements Probe<Double> {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final HttpClient client;
    private final URI uri;
    private final String metric;
    private final Map<String, String> labels;
    private final Map<String, Secret> secretHeaders;
    private final Duration timeout;

    HttpMetric(HttpClient client, URI uri, String metric, Map<String, String> labels, Duration timeout) {
        this(client, uri, metric, labels, Map.of(), timeout);
    }

    private HttpMetric(
            HttpClient client,
            URI uri,
            String metric,
            Map<String, String> labels,
            Map<String, Secret> secretHeaders,
            Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.uri = Objects.requireNonNull(uri, "uri");
        if (metric == null || !METRIC.matcher(metric).matches()) {
            throw new IllegalArgumentException("metric name '" + metric
                    + "' is not a Prometheus metric name; give one such as region_replication_lag_seconds");
        }
        this.metric = metric;
        this.labels = Map.copyOf(labels);
        this.secretHeaders = Map.copyOf(secretHeaders);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("metrics timeout must be > 0, was " + timeout);
        }
    }

    /**
     * The same probe, reading only series whose label {@code name} is {@code value} (PromQL's {@code
     * name="value"}); several labels must all match.
     *
     * @throws IllegalArgumentException for a malformed label name or a null value
     */
    public HttpMetric label(String name, String value) {
        if (name == null || !LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "label name '" + name + "' is not a Prometheus label name; give one such as region");
        }
        Objects.requireNonNull(value, "label value");
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(name, value);
        return new HttpMetric(client, uri, metric, more, secretHeaders, timeout);
    }

    /**
     * The same probe sending a header, such as {@code Authorization} for an endpoint behind a token (the
     * value is a {@link Secret}: never printed).
     */
    public HttpMetric withHeader(String name, Secret value) {
        HttpSupport.checkHeader(name, value.reveal());
        Map<String, Secret> more = new LinkedHashMap<>(secretHeaders);
        more.put(name, value);
        return new HttpMetric(client, uri, metric, labels, more, timeout);
    }

    /** The same probe with another request timeout (10 s unless set). */
    public HttpMetric withTimeout(Duration timeout) {
        return new HttpMetric(client, uri, metric, labels, secretHeaders, timeout);
    }

    /** The same probe sending through {@code client} (your proxy, TLS and authentication settings). */
    public HttpMetric withClient(HttpClient client) {
        return new HttpMetric(client, uri, metric, labels, secretHeaders, timeout);
    }

    /** The URL read. */
    public URI uri() {
        return uri;
    }

    /** The series selector, as in PromQL: {@code region_replication_lag_seconds{region="cn-to-global"}}. */
    public String selector() {
        return new PrometheusText.Sample(metric, new java.util.TreeMap<>(labels), 0, null).series();
    }

    @Override
    public String name() {
        return "max " + selector() + " of GET " + uri;
    }

    /**
     * GETs the metrics once and returns the largest value of the matching series.
     *
     * @throws TargetUnavailableException if the server cannot be reached or answers other than 2xx
     * @throws RunbookException if the body is not in the text format, no series matches, or a matching
     *     series is NaN
     */
    @Override
    public Double read() {
        String body = HttpSupport.getBody(
                client,
                uri,
                timeout,
                Map.of(),
                secretHeaders,
                "text/plain;version=0.0.4",
                "check the URL and that the exporter is up");
        List<PrometheusText.Sample> all;
        try {
            all = PrometheusText.parse(body);
        } catch (RunbookException e) {
            throw new RunbookException("GET " + uri + ": " + e.getMessage(), e);
        }
        List<PrometheusText.Sample> named =
                all.stream().filter(s -> s.name().equals(metric)).toList();
        List<PrometheusText.Sample> matching = named.stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        if (matching.isEmpty()) {
            throw new RunbookException("GET " + uri + " has no series " + selector() + "; "
                    + (named.isEmpty()
                            ? "it has no metric " + metric + " at all (" + all.size() + " series of other metrics)"
                            : "it has " + shown(named))
                    + "; check the name and the labels (curl -s " + uri + " | grep " + metric + ")");
        }
        List<PrometheusText.Sample> nan =
                matching.stream().filter(s -> Double.isNaN(s.value())).toList();
        if (!nan.isEmpty()) {
            throw new RunbookException("GET " + uri + ": " + shown(nan) + (nan.size() == 1 ? " is" : " are")
                    + " NaN (no measurement), so the largest value of " + selector() + " is unknown");
        }
        return matching.stream().mapToDouble(PrometheusText.Sample::value).max().orElseThrow();
    }

    private static String shown(List<PrometheusText.Sample> samples) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < samples.size() && i < 5; i++) {
            b.append(i == 0 ? "" : ", ").append(samples.get(i).series());
        }
        if (samples.size() > 5) {
            b.append(", ... (").append(samples.size() - 5).append(" more)");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "HttpMetric[" + name() + "]";
    }
}
