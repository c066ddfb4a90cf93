package dev.runbook.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** State the integration tests set up on the shared node: system, hidden, red and data-stream indices. */
final class TestSupport {
    private TestSupport() {}

    /** A system index: {@code .tasks}, which Elasticsearch creates to store a background task's result. */
    static void ensureTasksIndex() {
        if (!TestCluster.indices(".tasks").isEmpty()) {
            return;
        }
        TestCluster.createIndex("rb-forcemerge");
        TestCluster.ok("POST", "/rb-forcemerge/_forcemerge?wait_for_completion=false", null);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (TestCluster.indices(".tasks").isEmpty() && System.nanoTime() < deadline) {
            ServerProcesses.sleep(java.time.Duration.ofMillis(100));
        }
        TestCluster.ok("DELETE", "/rb-forcemerge", null);
        if (TestCluster.indices(".tasks").isEmpty()) {
            throw new IllegalStateException("no .tasks index appeared after a background force merge");
        }
    }

    /** A data stream (created by its first document through an index template); kept across tests. */
    static void dataStream(String name) {
        if (!TestCluster.indices(".ds-" + name + "-*").isEmpty()) {
            return;
        }
        TestCluster.ok(
                "PUT",
                "/_index_template/rb-" + name,
                "{\"index_patterns\":[\"" + name + "*\"],\"data_stream\":{},"
                        + "\"priority\":500,\"template\":{\"settings\":{\"number_of_replicas\":0}}}");
        TestCluster.ok("POST", "/" + name + "/_doc?refresh=true", "{\"@timestamp\":\"2025-01-01T00:00:00Z\",\"m\":1}");
    }

    /** {@code n} index names of about 200 bytes, so that a delete needs several requests. */
    static List<String> longNames(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format(java.util.Locale.ROOT, "%s-%03d-%s", prefix, i, "p".repeat(180)));
        }
        return out;
    }

    /** An index whose only (primary) shard can be assigned nowhere: the cluster turns red. */
    static void redIndex(String name) {
        TestCluster.createIndex(name, "{\"settings\":{\"index.routing.allocation.require._name\":\"nowhere\"}}");
        TestCluster.ok("GET", "/_cluster/health?wait_for_status=red&timeout=10s", null);
    }

    /** A loopback port nothing listens on. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
