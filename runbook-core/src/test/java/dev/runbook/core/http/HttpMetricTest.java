package dev.runbook.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.runbook.core.Conditions;
import dev.runbook.core.Probes;
import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.WaitResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpMetric} against a real HTTP server on 127.0.0.1 serving the text format. */
class HttpMetricTest {
    static final String METRIC = "region_replication_lag_seconds";

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body =
            """
            # HELP region_replication_lag_seconds Seconds the target region is behind its source.
            # TYPE region_replication_lag_seconds gauge
            region_replication_lag_seconds{region="cn-to-global",topic="currency_rates"} 412 1733551200000
            region_replication_lag_seconds{region="cn-to-global",topic="tax_configs"} 37.5
            region_replication_lag_seconds{region="global-to-cn",topic="currency_rates"} 9000
            region_replication_lag_seconds_max{region="cn-to-global"} 99999
            mirrormaker_records_lag{partition="0"} 12
            """;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Accept"));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                requests.add("Authorization " + auth);
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    @Test
    void read_isTheLargestOfTheSeriesWithTheLabels_andOnlyGets() {
        HttpMetric lag = Http.metric(url(), METRIC).label("region", "cn-to-global");

        assertThat(lag.read()).isEqualTo(412.0);
        assertThat(lag.label("topic", "tax_configs").read()).isEqualTo(37.5);
        assertThat(Http.metric(url(), METRIC).read())
                .as("no label: every series")
                .isEqualTo(9000.0);
        assertThat(lag.name()).isEqualTo("max region_replication_lag_seconds{region=\"cn-to-global\"} of GET " + url());
        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r).isEqualTo("GET text/plain;version=0.0.4"));
    }

    @Test
    void asAProbe_aWaitSeesTheValueFall() {
        HttpMetric lag = Http.metric(url(), METRIC).label("region", "cn-to-global");
        body = METRIC + "{region=\"cn-to-global\"} 4\n";

        WaitResult<Double> r = Probes.waitUntil(lag, Conditions.below(30), Duration.ofSeconds(5));

        assertThat(r.satisfied()).isTrue();
        assertThat(r.lastValue()).isEqualTo(4.0);
    }

    @Test
    void infinityIsAValue_nanIsRefusedNamingTheSeries() {
        body = METRIC + "{region=\"cn-to-global\",topic=\"a\"} +Inf\n";
        assertThat(Http.metric(url(), METRIC).read()).isEqualTo(Double.POSITIVE_INFINITY);

        body = METRIC + "{region=\"cn-to-global\",topic=\"a\"} 3\n" + METRIC
                + "{region=\"cn-to-global\",topic=\"b\"} NaN\n";
        assertThatThrownBy(() -> Http.metric(url(), METRIC)
                        .label("region", "cn-to-global")
                        .read())
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("region_replication_lag_seconds{region=\"cn-to-global\",topic=\"b\"} is NaN")
                .hasMessageContaining("is unknown");
    }

    @Test
    void noMatchingSeries_listsTheSeriesThatExist() {
        assertThatThrownBy(() -> Http.metric(url(), METRIC)
                        .label("region", "cn-to-globl")
                        .read())
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("has no series region_replication_lag_seconds{region=\"cn-to-globl\"}")
                .hasMessageContaining(
                        "it has region_replication_lag_seconds{region=\"cn-to-global\",topic=\"currency_rates\"}")
                .hasMessageContaining("curl -s " + url() + " | grep " + METRIC);
        assertThatThrownBy(() -> Http.metric(url(), "replication_lag").read())
                .hasMessageContaining("it has no metric replication_lag at all (5 series of other metrics)");
    }

    @Test
    void aMalformedBody_anErrorStatus_andAServerThatIsGone() throws IOException {
        body = "region_replication_lag_seconds{region=\"cn-to-global\" 3\n";
        assertThatThrownBy(() -> Http.metric(url(), METRIC).read())
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("GET " + url() + ": line 1 is not in the Prometheus text format");

        status = 503;
        assertThatThrownBy(() -> Http.metric(url(), METRIC).read())
                .isInstanceOfSatisfying(TargetUnavailableException.class, e -> assertThat(e.retriable())
                        .isTrue())
                .hasMessageContaining("answered 503");

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpMetric gone = Http.metric("http://127.0.0.1:" + port + "/metrics", METRIC);
        assertThatThrownBy(gone::read)
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("refused the connection");
    }

    @Test
    void aSecretHeaderIsSent_andNeverShown() {
        HttpMetric lag = Http.metric(url(), METRIC)
                .label("region", "cn-to-global")
                .withHeader("Authorization", Secret.of("Bearer s3cr3t-scrape-token"));

        assertThat(lag.read()).isEqualTo(412.0);
        assertThat(requests).contains("Authorization Bearer s3cr3t-scrape-token");
        assertThat(lag.name() + lag.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void badNames_areRefusedWhenBuilt() {
        assertThatThrownBy(() -> Http.metric(url(), "region-lag"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'region-lag' is not a Prometheus metric name");
        assertThatThrownBy(() -> Http.metric(url(), METRIC).label("re gion", "x"))
                .hasMessageContaining("'re gion' is not a Prometheus label name");
        assertThatThrownBy(() -> Http.metric("mirrormaker:8080/metrics", METRIC))
                .hasMessageContaining("not an absolute http(s) URL");
        assertThatThrownBy(() -> Http.metric(url(), METRIC).withTimeout(Duration.ZERO))
                .hasMessageContaining("timeout must be > 0");
    }
}
