package dev.runbook.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * A stand-in for MirrorMaker's Prometheus endpoint ({@code http://mirrormaker-asia-to-cn:8080/metrics}): a
 * JDK HTTP server on a free loopback port serving the text format, whose {@code cn-to-global} lag the test
 * computes on every request (from the cluster's state, or a script). It also serves a {@code global-to-cn}
 * series far above it, comments and an escaped label, so that the runbook's probe must pick the right series.
 */
final class MirrorMakerMetrics implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicInteger reads = new AtomicInteger();
    private volatile DoubleSupplier lag = () -> 0;

    private MirrorMakerMetrics() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/metrics", ex -> {
            reads.incrementAndGet();
            byte[] body = body(lag.getAsDouble()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    static MirrorMakerMetrics start() {
        return new MirrorMakerMetrics();
    }

    /** From now on the {@code cn-to-global} lag is what {@code lag} says at each request. */
    MirrorMakerMetrics lag(DoubleSupplier lag) {
        this.lag = lag;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    int reads() {
        return reads.get();
    }

    private static String body(double lag) {
        String v = Double.isNaN(lag) ? "NaN" : String.format(Locale.ROOT, "%.3f", lag);
        return """
                # HELP region_replication_lag_seconds Seconds the target region is behind its source.
                # TYPE region_replication_lag_seconds gauge
                region_replication_lag_seconds{region="cn-to-global",path="asia \\"primary\\""} %s 1733551200000
                region_replication_lag_seconds{region="cn-to-global",path="asia-backup"} 1.5
                region_replication_lag_seconds{region="global-to-cn",path="asia \\"primary\\""} 9999
                # TYPE mirrormaker_records_consumed_total counter
                mirrormaker_records_consumed_total{topic="currency_rates"} 123456
                """
                .formatted(v);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
