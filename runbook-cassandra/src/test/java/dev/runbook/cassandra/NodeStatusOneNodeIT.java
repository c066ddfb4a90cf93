package dev.runbook.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One real Cassandra 5.0.6 node (child JVM): NodeStatus, ClusterHealth with RF 1, and the bad inputs. */
class NodeStatusOneNodeIT {

    static CassandraTestNode node;
    static CassandraActions cassandra;

    @BeforeAll
    static void start() {
        node = CassandraTestNode.start("127.0.0.1", CassandraTestNode.freePorts("127.0.0.1"));
        System.out.println("node started in " + node.startTime().toMillis() + " ms");
        cassandra = CassandraActions.connect(node.contactPoint(), CassandraTestNode.DATACENTER);
        cassandra
                .session()
                .execute("CREATE KEYSPACE orders WITH replication ="
                        + " {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}");
        cassandra
                .session()
                .execute("CREATE KEYSPACE lake WITH replication ="
                        + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
    }

    @AfterAll
    static void stop() {
        if (cassandra != null) {
            cassandra.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void nodeStatus_showsTheNodeUpNormalWithWhatSystemLocalSays() {
        long t0 = System.nanoTime();
        NodeStatus status = cassandra.nodeStatus().read();
        System.out.println("nodeStatus read in " + (System.nanoTime() - t0) / 1_000_000 + " ms:\n" + status);

        Row local = cassandra
                .session()
                .execute("SELECT host_id, schema_version, tokens FROM system.local")
                .one();
        assertThat(status.nodes()).hasSize(1);
        NodeStatus.Node n = status.nodes().get(0);
        assertThat(n.address()).isEqualTo("127.0.0.1");
        assertThat(n.code()).isEqualTo("UN");
        assertThat(n.datacenter()).isEqualTo("datacenter1");
        assertThat(n.rack()).isEqualTo("rack1");
        assertThat(n.hostId()).isEqualTo(local.getUuid("host_id"));
        assertThat(n.schemaVersion()).isEqualTo(local.getUuid("schema_version"));
        assertThat(n.tokens())
                .isEqualTo(16)
                .isEqualTo(local.getSet("tokens", String.class).size());
        assertThat(n.releaseVersion()).isEqualTo("5.0.6");
        assertThat(status.seenBy()).isEqualTo("127.0.0.1");
        assertThat(CassandraActions.allNodesUp().test(status)).isTrue();
        assertThat(CassandraActions.aNodeIsDown().test(status)).isFalse();
        // the seed's "a UN missing": three nodes expected, one listed
        assertThat(CassandraActions.fewerUpNormalThan(3).test(status)).isTrue();
        assertThat(CassandraActions.fewerUpNormalThan(1).test(status)).isFalse();
    }

    @Test
    void clusterHealth_rf1_reachesQuorumButCannotLoseANode() {
        long t0 = System.nanoTime();
        ClusterHealth health = cassandra.clusterHealth().read();
        System.out.println("clusterHealth read in " + (System.nanoTime() - t0) / 1_000_000 + " ms:\n" + health);

        assertThat(health.schemaAgreement()).isTrue();
        assertThat(health.schemaVersions()).hasSize(1);
        assertThat(health.datacenters().get("datacenter1").up()).isEqualTo(1);
        assertThat(health.keyspaces())
                .extracting(ClusterHealth.KeyspaceHealth::keyspace)
                .containsExactly("lake", "orders"); // system keyspaces left out
        ClusterHealth.KeyspaceHealth orders = health.keyspace("orders").orElseThrow();
        assertThat(orders.strategy()).isEqualTo("NetworkTopologyStrategy");
        assertThat(orders.replication()).containsEntry("datacenter1", 1);
        assertThat(orders.quorum()).isEqualTo(new ClusterHealth.Reach(1, 1));
        assertThat(orders.localQuorum()).containsEntry("datacenter1", new ClusterHealth.Reach(1, 1));
        assertThat(health.keyspace("lake").orElseThrow().replication()).containsEntry("*", 1);
        assertThat(CassandraActions.everyKeyspaceReachesLocalQuorum().test(health))
                .isTrue();
        assertThat(health.everyKeyspaceReachesQuorum()).isTrue();
        // RF 1: restarting the only replica makes every range unavailable
        assertThat(CassandraActions.safeToRestartOneNode().test(health)).isFalse();
    }

    @Test
    void clusterHealth_namedKeyspacesOnly() {
        ClusterHealth health = cassandra.clusterHealth("orders").read();
        assertThat(health.keyspaces())
                .extracting(ClusterHealth.KeyspaceHealth::keyspace)
                .containsExactly("orders");
    }

    @Test
    void unknownKeyspace_isRefusedNamingTheKeyspacesThereAre() {
        assertThatThrownBy(() -> cassandra.clusterHealth("ordres").read())
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no keyspace 'ordres'")
                .hasMessageContaining("orders")
                .hasMessageContaining("lake");
        // the driver's default metadata has no system keyspaces: the message says how to add them
        assertThatThrownBy(() -> cassandra.clusterHealth("system_auth").read())
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("refreshed-keyspaces");
    }

    @Test
    void unknownDatacenter_isRefusedNamingTheClustersDatacenters() {
        assertThatThrownBy(() -> CassandraActions.connect(node.contactPoint(), "dc-east"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no node in data center 'dc-east'")
                .hasMessageContaining("[datacenter1]");
    }

    @Test
    void aHostThatIsDown_failsFastNamingTheHostAndTheWayOut() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = s.getLocalPort();
        }
        String point = "127.0.0.1:" + closed;
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> CassandraActions.connect(point, "datacenter1", Duration.ofSeconds(2)))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("cassandra " + point + " did not answer")
                .hasMessageContaining("connection refused or closed before the CQL handshake")
                .hasMessageContaining("native_transport_port")
                .hasMessageContaining("CassandraActions.connect(\"host1:9042,host2:9042\", dc)")
                .satisfies(e ->
                        assertThat(((TargetUnavailableException) e).retriable()).isTrue());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("refused connection reported in " + ms + " ms");
        assertThat(ms).isLessThan(5_000);
    }

    @Test
    void aHostThatDoesNotAnswer_failsWithinTheTimeout() throws Exception {
        // a listening socket that never speaks CQL: the driver's connect succeeds, its handshake times out
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            String point = "127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> CassandraActions.connect(point, "datacenter1", Duration.ofSeconds(1)))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("cassandra " + point)
                    .hasMessageContaining("native_transport_port");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("silent host reported in " + ms + " ms");
            assertThat(ms).isLessThan(4_000);
        }
    }

    @Test
    void badContactPoints_failWhenBuilt() {
        assertThatThrownBy(() -> CassandraActions.connect("127.0.0.1", "datacenter1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'127.0.0.1' is not host:port");
        assertThatThrownBy(() -> CassandraActions.connect("127.0.0.1:cql", "datacenter1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no numeric port");
        assertThatThrownBy(() -> CassandraActions.connect(node.contactPoint(), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local data center");
    }

    @Test
    void of_usesYourSessionAndLeavesItOpen() {
        CqlSession own = CqlSession.builder()
                .addContactPoint(InetSocketAddress.createUnresolved(
                        "127.0.0.1", node.ports().nativeTransport()))
                .withLocalDatacenter("datacenter1")
                .build();
        try (own) {
            try (CassandraActions mine = CassandraActions.of(own)) {
                assertThat(mine.nodeStatus().read().allUp()).isTrue();
            }
            assertThat(own.isClosed()).isFalse();
        }
    }
}
