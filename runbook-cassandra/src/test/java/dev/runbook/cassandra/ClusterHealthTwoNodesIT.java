package dev.runbook.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real Cassandra nodes in two data centers (127.0.0.1 in dc1, 127.0.0.2 in dc2, child JVMs), a
 * SimpleStrategy keyspace with RF 2 and a NetworkTopologyStrategy one with one replica per data center;
 * the second node is killed with {@code kill -9} and the probes see it: the seed's "a node is DN".
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
                CompletableFuture.supplyAsync(() -> CassandraTestNode.start("127.0.0.2", ports, seeds, "dc2"));
        try {
            first = CassandraTestNode.start("127.0.0.1", ports, seeds, "dc1");
        } finally {
            second = b.get();
        }
        cassandra = CassandraActions.connect(first.contactPoint(), "dc1");
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
                        + " {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}");
        cassandra
                .session()
                .execute("CREATE KEYSPACE lake WITH replication ="
                        + " {'class': 'SimpleStrategy', 'replication_factor': 2}");
        cassandra.session().execute("CREATE TABLE orders.o (id int PRIMARY KEY, v text)");
        cassandra.session().execute("CREATE TABLE lake.l (id int PRIMARY KEY)");
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
        // the node in the remote data center is UP too, not UNKNOWN: connect() opens a connection to it
        assertThat(before.nodes()).extracting(NodeStatus.Node::code).containsExactly("UN", "UN");
        assertThat(before.datacenters()).containsExactly("dc1", "dc2");
        assertThat(before.schemaVersions()).hasSize(1);
        assertThat(before.nodes()).allSatisfy(n -> assertThat(n.tokens()).isEqualTo(16));
        ClusterHealth healthy = cassandra.clusterHealth().read();
        System.out.println(healthy);
        assertThat(healthy.keyspace("lake").orElseThrow().quorum()).isEqualTo(new ClusterHealth.Reach(2, 2));
        assertThat(healthy.keyspace("orders").orElseThrow().replication())
                .isEqualTo(java.util.Map.of("dc1", 1, "dc2", 1));
        assertThat(healthy.keyspace("orders").orElseThrow().quorum()).isEqualTo(new ClusterHealth.Reach(2, 2));
        assertThat(healthy.keyspace("orders").orElseThrow().reachesLocalQuorum())
                .isTrue();
        // SimpleStrategy ignores data centers: lake's two replicas are one per DC, and LOCAL_QUORUM needs
        // a quorum of the whole RF (2) in the local DC, with every node up
        assertThat(healthy.keyspace("lake").orElseThrow().localQuorum())
                .containsEntry("dc1", new ClusterHealth.Reach(2, 1));
        assertThat(healthy.everyKeyspaceReachesLocalQuorum()).isFalse();
        // ... and Cassandra says the same
        assertThatThrownBy(() -> cassandra
                        .session()
                        .execute(SimpleStatement.newInstance("INSERT INTO lake.l (id) VALUES (1)")
                                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                .isInstanceOf(AllNodesFailedException.class)
                .satisfies(e -> assertThat(((AllNodesFailedException) e)
                                .getAllErrors().values().stream().flatMap(List::stream))
                        .anySatisfy(t -> assertThat(t)
                                .isInstanceOf(UnavailableException.class)
                                .hasMessageContaining("LOCAL_QUORUM (2 required but only 1 alive)")));
        cassandra
                .session()
                .execute(SimpleStatement.newInstance("INSERT INTO lake.l (id) VALUES (1)")
                        .setConsistencyLevel(ConsistencyLevel.QUORUM));
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
        assertThat(dn.datacenter()).isEqualTo("dc2");
        assertThat(dn.hostId()).isEqualTo(before.node("127.0.0.2").orElseThrow().hostId());
        assertThat(after.seenBy()).isEqualTo("127.0.0.1");

        long t1 = System.nanoTime();
        ClusterHealth health = cassandra.clusterHealth().read();
        System.out.println("clusterHealth read in " + (System.nanoTime() - t1) / 1_000_000 + " ms:\n" + health);
        assertThat(health.datacenters().get("dc2").down()).containsExactly("127.0.0.2");
        assertThat(health.datacenters().get("dc1").down()).isEmpty();
        ClusterHealth.KeyspaceHealth lake = health.keyspace("lake").orElseThrow();
        assertThat(lake.quorum()).isEqualTo(new ClusterHealth.Reach(2, 1));
        assertThat(lake.quorum().reachable()).isFalse();
        ClusterHealth.KeyspaceHealth orders = health.keyspace("orders").orElseThrow();
        assertThat(orders.quorum()).isEqualTo(new ClusterHealth.Reach(2, 1));
        assertThat(orders.localQuorum().get("dc1")).isEqualTo(new ClusterHealth.Reach(1, 1));
        assertThat(orders.localQuorum().get("dc2")).isEqualTo(new ClusterHealth.Reach(1, 0));
        assertThat(CassandraActions.everyKeyspaceReachesLocalQuorum().test(health))
                .isFalse();
        assertThat(health.everyKeyspaceReachesQuorum()).isFalse();
        assertThat(health.unavailable())
                .extracting(ClusterHealth.KeyspaceHealth::keyspace)
                .containsExactly("lake", "orders");

        // the cluster agrees: QUORUM fails, LOCAL_QUORUM in dc1 (orders' dc1 replica is up) succeeds
        SimpleStatement write = SimpleStatement.newInstance("INSERT INTO orders.o (id, v) VALUES (1, 'x')");
        assertThatThrownBy(() -> cassandra.session().execute(write.setConsistencyLevel(ConsistencyLevel.QUORUM)))
                .isInstanceOf(DriverException.class);
        cassandra.session().execute(write.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        assertThat(cassandra
                        .session()
                        .execute(SimpleStatement.newInstance("SELECT v FROM orders.o WHERE id = 1")
                                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                        .one()
                        .getString("v"))
                .isEqualTo("x");
    }
}
