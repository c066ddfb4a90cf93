package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.TargetUnavailableException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbesIT {
    private static ElasticsearchActions es;

    @BeforeAll
    static void connect() {
        es = ElasticsearchActions.connect(TestCluster.url());
    }

    @AfterAll
    static void close() {
        es.close();
    }

    @Test
    void healthGoesYellowWithUnassignableReplicas_andRedWithAnUnassignablePrimary_namingIt() {
        TestCluster.deleteAll("health-*");
        assertThat(es.clusterHealth().read().status()).isEqualTo("green");
        TestCluster.createIndex("health-yellow", "{\"settings\":{\"number_of_replicas\":1}}");
        ClusterHealth yellow = es.clusterHealth().read();
        assertThat(yellow.status()).isEqualTo("yellow");
        assertThat(yellow.unassignedShards()).isPositive();
        assertThat(yellow.primariesActive()).isTrue();
        TestSupport.redIndex("health-red");
        ClusterHealth red = es.clusterHealth().read();
        assertThat(red.status()).isEqualTo("red");
        assertThat(red.unassignedPrimaryShards()).isEqualTo(1);
        assertThat(red.redIndices()).containsExactly("health-red");
        assertThat(red.toString())
                .startsWith("red: cluster runbook-test, 1 node")
                .contains("red: [health-red]");
        TestCluster.deleteIndices(List.of("health-yellow", "health-red"));
        assertThat(es.clusterHealth().read().status()).isEqualTo("green");
    }

    @Test
    void diskAllocationReadsEveryDataNodeAndTheWatermarksInForce() {
        DiskAllocation d = es.diskAllocation().read();
        assertThat(d.nodes()).singleElement().satisfies(n -> {
            assertThat(n.node()).isEqualTo("node-1");
            assertThat(n.totalBytes()).isPositive();
            assertThat(n.availBytes()).isPositive().isLessThanOrEqualTo(n.totalBytes());
            assertThat(n.headroomBytes()).isEqualTo(Math.max(0, n.availBytes() - (20L << 20)));
        });
        assertThat(d.watermarks().high()).isEqualTo("20mb");
        assertThat(d.watermarks().enabled()).isFalse();
        assertThat(d.toString()).contains("watermarks: low 30mb, high 20mb, flood stage 10mb", "node-1");
    }

    @Test
    void indicesListsHiddenOnesWithTheirFacts() {
        TestCluster.deleteAll("probe-*");
        TestCluster.createIndices(Map.of("probe-a", "{}", "probe-h", "{\"settings\":{\"index.hidden\":true}}"));
        TestCluster.docs("probe-a", 3);
        IndexListing l = es.indices("probe-*").read();
        assertThat(l.indices()).extracting(IndexInfo::name).containsExactly("probe-a", "probe-h");
        assertThat(l.indices().get(0).docs()).isEqualTo(3);
        assertThat(l.indices().get(1).hidden()).isTrue();
        assertThat(l.toString()).contains("2 indices match 'probe-*'", "probe-h");
    }

    @Test
    void probesOfAnUnreachableServerThrowTargetUnavailable() {
        try (ElasticsearchActions nowhere =
                ElasticsearchActions.connect("http://127.0.0.1:" + TestSupport.closedPort())) {
            assertThatThrownBy(() -> nowhere.clusterHealth().read())
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("refused the connection");
            assertThatThrownBy(() -> nowhere.diskAllocation().read()).isInstanceOf(TargetUnavailableException.class);
        }
    }

    @Test
    void credentialsInTheUrlAreRefused_theyWouldPrint() {
        assertThatThrownBy(() -> ElasticsearchActions.connect("http://elastic:secret@127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connect(url, user, Secret.of(password))")
                .hasMessageNotContaining("secret@");
    }
}
