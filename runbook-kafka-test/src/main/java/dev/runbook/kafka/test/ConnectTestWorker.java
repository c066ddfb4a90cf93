package dev.runbook.kafka.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;

/**
 * One real Kafka Connect worker (standalone mode, in-process, plugins by service loading, with Kafka's
 * file connectors) per test JVM, against {@link KafkaTestCluster}, with its REST API on a free loopback
 * port: the real REST API that {@code KafkaActions.kafkaConnect(url)} drives.
 *
 * <pre>{@code
 * ConnectTestWorker worker = ConnectTestWorker.get();
 * worker.createConnector("sink", Map.of("connector.class", "FileStreamSink", ...));
 * }</pre>
 */
public final class ConnectTestWorker {

    private static ConnectTestWorker instance;

    private final Connect<?> connect;
    private final URI url;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private ConnectTestWorker(Connect<?> connect, URI url, Path dir) {
        this.connect = connect;
        this.url = url;
        this.dir = dir;
    }

    /** The worker of this JVM, started (with the broker of {@link KafkaTestCluster}) on first use. */
    public static synchronized ConnectTestWorker get() {
        if (instance == null) {
            instance = start(KafkaTestCluster.get());
            ConnectTestWorker started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started.connect::stop, "connect-test-worker-stop"));
        }
        return instance;
    }

    private static ConnectTestWorker start(KafkaTestCluster kafka) {
        try {
            Path dir = Files.createTempDirectory("runbook-connect-");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Map<String, String> props = new HashMap<>();
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("value.converter.schemas.enable", "false");
            props.put("offset.storage.file.filename", dir.resolve("offsets").toString());
            props.put("offset.flush.interval.ms", "1000");
            props.put("plugin.discovery", "service_load");
            props.put("listeners", "http://127.0.0.1:" + port);
            props.put("rest.advertised.host.name", "127.0.0.1");
            props.put("consumer.max.poll.interval.ms", "60000");
            Connect<?> connect = new ConnectStandalone().startConnect(props);
            return new ConnectTestWorker(connect, URI.create("http://127.0.0.1:" + port + "/"), dir);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the in-process Kafka Connect worker", e);
        }
    }

    /** The REST API, such as {@code http://127.0.0.1:41234/}. */
    public URI url() {
        return url;
    }

    /** The worker's temporary directory (connector files, offsets). */
    public Path dir() {
        return dir;
    }

    /** Creates (or replaces) a connector's config with {@code PUT /connectors/{name}/config}. */
    public void createConnector(String name, Map<String, String> config) {
        try {
            call("PUT", "connectors/" + name + "/config", new ObjectMapper().writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("connector config of " + name + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a connector with {@code DELETE /connectors/{name}}. */
    public void deleteConnector(String name) {
        call("DELETE", "connectors/" + name, null);
    }

    /** Calls the REST API directly (as another operator would), returning the body; fails on non-2xx. */
    public String call(String method, String path, String body) {
        try {
            HttpRequest r = HttpRequest.newBuilder(url.resolve(path))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(30))
                    .build();
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + " " + resp.body());
            }
            return resp.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
