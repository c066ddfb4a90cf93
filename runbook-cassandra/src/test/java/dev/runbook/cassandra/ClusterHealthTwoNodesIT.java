package dev.runbook.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real Cassandra nodes (127.0.0.1 and 127.0.0.2, child JVMs), a keyspace with RF 2; the second node
 * is killed with {@code kill -9} and the probes see it: the seed's "a node is DN".
 */
class ClusterHealthTwoNodesIT {

    static CassandraTestNode first;
    static CassandraTestNode second;
    static CassandraActions cassandra;

    @BeforeAll
    static void start() throws Exception {
        CassandraTestNode.Ports ports = CassandraTestNode.freePorts("127.0.0.1", "127.0.0.2");
        List<String> seeds = List.of("127.0.0.1", "127.0.0.2");
        long t0 = System.nanoTime();
        CompletableFuture<CassandraTestNode> b =
                CompletableFuture.supplyAsync(() -> CassandraTestNode.start("127.0.0.2", ports, seeds));
        try {
            first = CassandraTestNode.start("127.0.0.1", ports, seeds);
        } finally {
            second = b.get();
        }
        cassandra = CassandraActions.connect(first.contactPoint(), CassandraTestNode.DATACENTER);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (cassandra.nodeStatus().read().up().size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the two nodes did not see each other: "
                        + cassandra.nodeStatus().read());
            }
            Thread.sleep(100);
        }
        System.out.println("two nodes UP to the driver " + (System.nanoTime() - t0) / 1_000_000 + " ms after"
                + " their start (first " + first.startTime().toMillis() + " ms, second "
                + second.startTime().toMillis() + " ms to listen)");
        cassandra
                .session()
                .execute("CREATE KEYSPACE orders WITH replication ="
                        + " {'class': 'NetworkTopologyStrategy', 'datacenter1': 2}");
        cassandra.session().execute("CREATE TABLE orders.o (id int PRIMARY KEY, v text)");
    }

    @AfterAll
    static void stop() {
        if (cassandra != null) {
            cassandra.close();
        }
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void killedNode_isDownToTheProbes_andQuorumOfRf2CannotBeReached() throws Exception {
        NodeStatus before = cassandra.nodeStatus().read();
        System.out.println(before);
        assertThat(before.nodes()).extracting(NodeStatus.Node::code).containsExactly("UN", "UN");
        assertThat(before.schemaVersions()).hasSize(1);
        assertThat(before.nodes()).allSatisfy(n -> assertThat(n.tokens()).isEqualTo(16));
        ClusterHealth healthy = cassandra.clusterHealth().read();
        System.out.println(healthy);
        assertThat(healthy.keyspace("orders").orElseThrow().quorum()).isEqualTo(new ClusterHealth.Reach(2, 2));
        assertThat(healthy.everyKeyspaceReachesLocalQuorum()).isTrue();
        // RF 2: QUORUM needs both replicas, so not even one node may go down for a restart
        assertThat(healthy.safeToRestartOneNode()).isFalse();

        long t0 = System.nanoTime();
        second.kill();
        NodeStatus after = cassandra.nodeStatus().read();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!after.anyDown() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = cassandra.nodeStatus().read();
        }
        System.out.println(
                "DOWN to the driver " + (System.nanoTime() - t0) / 1_000_000 + " ms after kill -9:\n" + after);
        assertThat(second.alive()).isFalse();
        assertThat(CassandraActions.aNodeIsDown().test(after)).isTrue();
        assertThat(CassandraActions.allNodesUp().test(after)).isFalse();
        assertThat(after.down()).extracting(NodeStatus.Node::address).containsExactly("127.0.0.2");
        NodeStatus.Node dn = after.node("127.0.0.2").orElseThrow();
        assertThat(dn.state()).isEqualTo(NodeStatus.State.DOWN);
        assertThat(dn.code()).isEqualTo("DN"); // the survivor's gossip still says NORMAL
        assertThat(dn.hostId()).isEqualTo(before.node("127.0.0.2").orElseThrow().hostId());
        assertThat(after.seenBy()).isEqualTo("127.0.0.1");

        long t1 = System.nanoTime();
        ClusterHealth health = cassandra.clusterHealth().read();
        System.out.println("clusterHealth read in " + (System.nanoTime() - t1) / 1_000_000 + " ms:\n" + health);
        assertThat(health.datacenters().get("datacenter1").down()).containsExactly("127.0.0.2");
        ClusterHealth.KeyspaceHealth orders = health.keyspace("orders").orElseThrow();
        assertThat(orders.quorum()).isEqualTo(new ClusterHealth.Reach(2, 1));
        assertThat(orders.quorum().reachable()).isFalse();
        assertThat(orders.localQuorum().get("datacenter1").reachable()).isFalse();
        assertThat(CassandraActions.everyKeyspaceReachesLocalQuorum().test(health))
                .isFalse();
        assertThat(health.unavailable())
                .extracting(ClusterHealth.KeyspaceHealth::keyspace)
                .containsExactly("orders");

        // the cluster agrees: a QUORUM write fails, a ONE write succeeds
        SimpleStatement write = SimpleStatement.newInstance("INSERT INTO orders.o (id, v) VALUES (1, 'x')");
        assertThatThrownBy(() -> cassandra.session().execute(write.setConsistencyLevel(ConsistencyLevel.QUORUM)))
                .isInstanceOf(DriverException.class);
        cassandra.session().execute(write.setConsistencyLevel(ConsistencyLevel.ONE));
        assertThat(cassandra
                        .session()
                        .execute(SimpleStatement.newInstance("SELECT v FROM orders.o WHERE id = 1")
                                .setConsistencyLevel(ConsistencyLevel.ONE))
                        .one()
                        .getString("v"))
                .isEqualTo("x");
    }
}
