package dev.runbook.kafka;

import dev.runbook.core.Probe;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * Kafka Connect's REST API as runbook actions and probes: connector status, restart (failed parts by
 * default), pause and resume.
 *
 * <pre>{@code
 * KafkaConnect connect = KafkaConnect.connect("http://127.0.0.1:8083");
 * connect.connectorStatus("orders-sink").read();     // RUNNING, task 0 FAILED
 * connect.restartConnector("orders-sink").plan(ctx); // restart task 0 FAILED of connector 'orders-sink'
 * }</pre>
 */
public final class KafkaConnect {

    private final ConnectClient client;

    /** Uses the caller's {@link HttpClient} (proxies, TLS, authentication) against {@code restUrl}. */
    public KafkaConnect(HttpClient http, URI restUrl) {
        this.client = new ConnectClient(http, restUrl);
    }

    /**
     * A plain client for JShell: {@code KafkaConnect.connect("http://127.0.0.1:8083")}.
     *
     * @throws IllegalArgumentException if the URL is not http(s)
     */
    public static KafkaConnect connect(String restUrl) {
        if (restUrl == null || restUrl.isBlank()) {
            throw new IllegalArgumentException("name the Kafka Connect REST URL, such as http://127.0.0.1:8083");
        }
        URI uri;
        try {
            uri = URI.create(restUrl.strip());
        } catch (IllegalArgumentException e) {
            uri = null; // 127.0.0.1:8083 (host:port as for a broker) is not a URI at all
        }
        if (uri == null
                || (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("Kafka Connect REST URL must be http(s)://host:port, was '" + restUrl
                    + "'" + (restUrl.contains("://") ? "" : "; did you mean http://" + restUrl.strip() + " ?"));
        }
        return new KafkaConnect(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), uri);
    }

    /** The connectors the worker knows, sorted. */
    public List<String> connectors() {
        return client.connectors();
    }

    /** A probe of {@code GET /connectors/{name}/status}. */
    public Probe<ConnectorStatus> connectorStatus(String name) {
        return Probe.of("kafka connect status '" + name + "'", () -> client.status(name));
    }

    /** Restarts the failed connector and failed tasks; see {@link RestartConnector}. */
    public RestartConnector restartConnector(String name) {
        return new RestartConnector(client, name, true, true);
    }

    public PauseConnector pauseConnector(String name) {
        return new PauseConnector(client, name);
    }

    public ResumeConnector resumeConnector(String name) {
        return new ResumeConnector(client, name);
    }
}
