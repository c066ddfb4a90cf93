package dev.runbook.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The cluster's nodes as {@code nodetool status} lists them: up or down (the driver's view: a node whose
 * connections dropped is DOWN at once, while the other nodes' gossip takes 15 to 30 s to convict it),
 * gossip status (NORMAL, LEAVING, JOINING, MOVING: {@code system_views.gossip_info} on one live node),
 * data center, rack, host id, token count and schema version ({@code system.local} and {@code
 * system.peers} on that node).
 *
 * <pre>{@code
 * NodeStatus s = cassandra.nodeStatus().read();
 * s.down();                  // [DN 127.0.0.2 datacenter1/rack1 ...]
 * s.anyDown();               // the seed's "a node is DN"
 * }</pre>
 *
 * @param seenBy the node whose system tables were read (null when no node is up)
 * @param nodes every node, ordered by data center and address
 */
public record NodeStatus(String seenBy, List<Node> nodes) {

    public NodeStatus {
        nodes = List.copyOf(nodes);
    }

    /** Up or down as the driver sees it; UNKNOWN before the driver has heard of the node's state. */
    public enum State {
        UP,
        DOWN,
        UNKNOWN
    }

    /**
     * One node.
     *
     * @param address its native transport address
     * @param datacenter its data center
     * @param rack its rack
     * @param hostId its host id
     * @param state UP, DOWN or UNKNOWN (the driver's view)
     * @param gossipStatus NORMAL, LEAVING, JOINING, MOVING, LEFT, ... as the live node's gossip has it, or
     *     null when not known
     * @param tokens how many tokens it owns
     * @param schemaVersion its schema version, or null
     * @param releaseVersion its Cassandra version, or null
     */
    public record Node(
            String address,
            String datacenter,
            String rack,
            UUID hostId,
            State state,
            String gossipStatus,
            int tokens,
            UUID schemaVersion,
            String releaseVersion) {

        /** Whether the node is UP. */
        public boolean up() {
            return state == State.UP;
        }

        /** The two letters of {@code nodetool status}: {@code UN}, {@code DN}, {@code UL}, ... */
        public String code() {
            char s = state == State.UP ? 'U' : state == State.DOWN ? 'D' : '?';
            char g = gossipStatus == null || gossipStatus.isEmpty() ? '?' : gossipStatus.charAt(0);
            return "" + s + (g == 'B' ? 'N' : g); // BOOT counts as joining in nodetool; keep it simple
        }

        @Override
        public String toString() {
            return code() + " " + address + " " + datacenter + "/" + rack + " host " + hostId + " tokens " + tokens
                    + " schema " + schemaVersion;
        }
    }

    /** The nodes that are DOWN to the driver. */
    public List<Node> down() {
        return nodes.stream().filter(n -> n.state() == State.DOWN).toList();
    }

    /** The nodes whose state the driver does not know (no connection to them yet, no event about them). */
    public List<Node> unknown() {
        return nodes.stream().filter(n -> n.state() == State.UNKNOWN).toList();
    }

    /** The nodes that are UP. */
    public List<Node> up() {
        return nodes.stream().filter(Node::up).toList();
    }

    /** Whether any node is DOWN: the seed's "a node is DN". */
    public boolean anyDown() {
        return !down().isEmpty();
    }

    /** Whether every node is UP (none DOWN or UNKNOWN). */
    public boolean allUp() {
        return !nodes.isEmpty() && nodes.stream().allMatch(Node::up);
    }

    /** The node at {@code address}. */
    public Optional<Node> node(String address) {
        return nodes.stream().filter(n -> n.address().equals(address)).findFirst();
    }

    /** The data centers, sorted. */
    public Set<String> datacenters() {
        Set<String> dcs = new TreeSet<>();
        nodes.forEach(n -> dcs.add(n.datacenter()));
        return dcs;
    }

    /** The distinct schema versions of the nodes that are UP (one when they agree). */
    public Set<UUID> schemaVersions() {
        Set<UUID> v = new LinkedHashSet<>();
        nodes.stream().filter(Node::up).forEach(n -> {
            if (n.schemaVersion() != null) {
                v.add(n.schemaVersion());
            }
        });
        return v;
    }

    static NodeStatus read(CqlSession session) {
        com.datastax.oss.driver.api.core.metadata.Node coordinator = CassandraSessions.coordinator(session);
        Map<UUID, Row> rows = new HashMap<>();
        Map<UUID, String> gossip = new HashMap<>();
        if (coordinator != null) {
            Row local = session.execute(SimpleStatement.newInstance(
                                    "SELECT host_id, data_center, rack, tokens, schema_version, release_version"
                                            + " FROM system.local")
                            .setNode(coordinator))
                    .one();
            if (local != null) {
                rows.put(local.getUuid("host_id"), local);
            }
            for (Row peer : session.execute(SimpleStatement.newInstance(
                            "SELECT peer, host_id, data_center, rack, tokens, schema_version, release_version"
                                    + " FROM system.peers")
                    .setNode(coordinator))) {
                rows.put(peer.getUuid("host_id"), peer);
            }
            gossip = gossip(session, coordinator);
        }
        List<Node> nodes = new ArrayList<>();
        Set<UUID> seen = new LinkedHashSet<>();
        for (var n : session.getMetadata().getNodes().values()) {
            UUID id = n.getHostId();
            seen.add(id);
            Row row = rows.get(id);
            nodes.add(new Node(
                    CassandraSessions.address(n),
                    n.getDatacenter(),
                    n.getRack(),
                    id,
                    state(n.getState()),
                    gossip.get(id),
                    row == null ? 0 : row.getSet("tokens", String.class).size(),
                    row != null && row.getUuid("schema_version") != null
                            ? row.getUuid("schema_version")
                            : n.getSchemaVersion(),
                    row != null ? row.getString("release_version") : String.valueOf(n.getCassandraVersion())));
        }
        // a node in the system tables the driver does not know (yet): its state is unknown
        for (var e : rows.entrySet()) {
            if (!seen.contains(e.getKey())
                    && e.getValue().getColumnDefinitions().contains("peer")) {
                Row r = e.getValue();
                nodes.add(new Node(
                        r.getInetAddress("peer").getHostAddress(),
                        r.getString("data_center"),
                        r.getString("rack"),
                        e.getKey(),
                        State.UNKNOWN,
                        gossip.get(e.getKey()),
                        r.getSet("tokens", String.class).size(),
                        r.getUuid("schema_version"),
                        r.getString("release_version")));
            }
        }
        nodes.sort(Comparator.comparing(Node::datacenter, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Node::address));
        return new NodeStatus(coordinator == null ? null : CassandraSessions.address(coordinator), nodes);
    }

    private static Map<UUID, String> gossip(
            CqlSession session, com.datastax.oss.driver.api.core.metadata.Node coordinator) {
        Map<UUID, String> status = new HashMap<>();
        try {
            for (Row r : session.execute(SimpleStatement.newInstance(
                            "SELECT host_id, status, status_with_port FROM system_views.gossip_info")
                    .setNode(coordinator))) {
                // Cassandra 4+ gossips STATUS_WITH_PORT; the legacy STATUS only where older nodes need it
                String s = r.getString("status_with_port");
                s = s == null ? r.getString("status") : s;
                String hostId = r.getString("host_id");
                if (s != null && hostId != null) {
                    int comma = s.indexOf(',');
                    status.put(UUID.fromString(hostId), comma < 0 ? s : s.substring(0, comma));
                }
            }
        } catch (InvalidQueryException e) {
            // before Cassandra 4.1 there is no gossip_info table: the gossip status stays unknown
        }
        return status;
    }

    private static State state(NodeState s) {
        return switch (s) {
            case UP -> State.UP;
            case DOWN, FORCED_DOWN -> State.DOWN;
            default -> State.UNKNOWN;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        String dc = null;
        for (Node n : nodes) {
            if (!n.datacenter().equals(dc)) {
                dc = n.datacenter();
                sb.append(sb.length() == 0 ? "" : "\n").append("Datacenter: ").append(dc);
            }
            sb.append("\n  ").append(n);
        }
        return (sb.length() == 0 ? "no nodes" : sb.toString()) + "\n(seen by " + seenBy + "; UP/DOWN is the"
                + " driver's view)";
    }
}
