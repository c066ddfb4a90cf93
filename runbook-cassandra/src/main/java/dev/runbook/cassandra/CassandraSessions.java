package dev.runbook.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Contact points, the local data center, and choosing the node that answers the system tables. */
final class CassandraSessions {

    private CassandraSessions() {}

    static List<InetSocketAddress> parseContactPoints(String contactPoints) {
        if (contactPoints == null || contactPoints.isBlank()) {
            throw new IllegalArgumentException("give at least one contact point as host:port, such as"
                    + " \"127.0.0.1:9042\" (comma-separated for several)");
        }
        List<InetSocketAddress> points = new ArrayList<>();
        for (String part : contactPoints.split(",")) {
            String p = part.trim();
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("'" + p + "' is not host:port; give the native transport"
                        + " address, such as \"127.0.0.1:9042\"");
            }
            int port;
            try {
                port = Integer.parseInt(p.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' has no numeric port; such as \"127.0.0.1:9042\"", e);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + p + "': port " + port + " is out of range");
            }
            points.add(InetSocketAddress.createUnresolved(p.substring(0, colon), port));
        }
        return points;
    }

    static String localDatacenter(CqlSession session) {
        var profile = session.getContext().getConfig().getDefaultProfile();
        if (profile.isDefined(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)) {
            return profile.getString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER);
        }
        // inferred from the contact points when not configured
        for (Node n : session.getMetadata().getNodes().values()) {
            if (n.getState() == NodeState.UP && n.getDatacenter() != null) {
                return n.getDatacenter();
            }
        }
        return null;
    }

    static void requireKnownDatacenter(CqlSession session, String dc, String target) {
        Set<String> known = datacenters(session.getMetadata().getNodes().values());
        if (dc != null && !known.contains(dc)) {
            throw new IllegalArgumentException(target + " has no node in data center '" + dc + "'; its data"
                    + " centers: " + known + " (the DC column of nodetool status; names are case-sensitive)");
        }
    }

    static Set<String> datacenters(Collection<Node> nodes) {
        Set<String> dcs = new TreeSet<>();
        for (Node n : nodes) {
            if (n.getDatacenter() != null) {
                dcs.add(n.getDatacenter());
            }
        }
        return dcs;
    }

    /** A node that is UP, in the local data center when one is; null when none is UP. */
    static Node coordinator(CqlSession session) {
        String dc = localDatacenter(session);
        Node any = null;
        List<Node> nodes = new ArrayList<>(session.getMetadata().getNodes().values());
        nodes.sort(java.util.Comparator.comparing(CassandraSessions::address));
        for (Node n : nodes) {
            if (n.getState() == NodeState.UP) {
                if (dc != null && dc.equals(n.getDatacenter())) {
                    return n;
                }
                if (any == null) {
                    any = n;
                }
            }
        }
        return any;
    }

    static String address(Node node) {
        if (node.getEndPoint().resolve() instanceof InetSocketAddress a) {
            return a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        }
        return node.getEndPoint().toString();
    }
}
