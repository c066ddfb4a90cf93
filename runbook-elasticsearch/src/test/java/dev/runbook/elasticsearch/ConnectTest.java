package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The credentials {@code connect} sends, and how a refusal of them reads, against an HTTP server in the
 * test that answers as a secured Elasticsearch does (the test node runs with security off).
 */
class ConnectTest {
    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
            byte[] body = (status == 200
                            ? "{\"cluster_name\":\"c\",\"status\":\"green\",\"timed_out\":false,\"number_of_nodes\":1,"
                                    + "\"number_of_data_nodes\":1,\"active_primary_shards\":0,\"active_shards\":0,"
                                    + "\"relocating_shards\":0,\"initializing_shards\":0,\"unassigned_shards\":0,"
                                    + "\"unassigned_primary_shards\":0,\"delayed_unassigned_shards\":0,"
                                    + "\"number_of_pending_tasks\":0,\"number_of_in_flight_fetch\":0,"
                                    + "\"task_max_waiting_in_queue_millis\":0,\"active_shards_percent_as_number\":100.0}"
                            : "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"unable to"
                                    + " authenticate with provided credentials and anonymous access is not allowed for"
                                    + " this request\"}],\"type\":\"security_exception\",\"reason\":\"unable to"
                                    + " authenticate with provided credentials and anonymous access is not allowed for"
                                    + " this request\"},\"status\":401}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void anApiKeyIsSentAsApiKey_andBasicAuthAsBasic() {
        try (var es = ElasticsearchActions.connect(
                url(), Secret.of("VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="))) {
            assertThat(es.clusterHealth().read().status()).isEqualTo("green");
            assertThat(es.toString()).doesNotContain("VnVh");
        }
        try (var es = ElasticsearchActions.connect(url(), "oncall", Secret.of("s3cret"))) {
            es.clusterHealth().read();
        }
        assertThat(authorizations)
                .containsExactly(
                        "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==",
                        "Basic "
                                + Base64.getEncoder().encodeToString("oncall:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusedCredentialsAreNotRetriable_nameTheWayOut_andNeverPrintTheSecret() {
        status = 401;
        try (var es = ElasticsearchActions.connect(url(), "oncall", Secret.of("s3cret"))) {
            assertThatThrownBy(() -> es.clusterHealth().read())
                    .isInstanceOf(TargetUnavailableException.class)
                    .satisfies(e -> assertThat(((TargetUnavailableException) e).retriable())
                            .isFalse())
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("connect(url, user, password)")
                    .hasMessageNotContaining("s3cret");
        }
    }
}
