package dev.runbook.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import dev.runbook.core.RefusedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Whether the cluster can take a node down: schema agreement, nodes up and down per data center, and for
 * each keyspace whether QUORUM and LOCAL_QUORUM (in each data center it is replicated to) can still be
 * reached with the nodes that are up. Replicas are counted per token range from the driver's token map:
 * the worst range decides ({@code fewestLive}).
 *
 * <pre>{@code
 * ClusterHealth h = cassandra.clusterHealth().read();
 * h.everyKeyspaceReachesLocalQuorum();   // false: orders RF 2, LOCAL_QUORUM needs 2, fewest live 1
 * h.safeToRestartOneNode();              // every keyspace keeps LOCAL_QUORUM with one more node down
 * }</pre>
 *
 * @param schemaAgreement whether the nodes that are up agree on the schema (the driver's check)
 * @param schemaVersions the distinct schema versions of the nodes that are up
 * @param datacenters nodes up and down per data center
 * @param keyspaces each keyspace checked
 */
public record ClusterHealth(
        boolean schemaAgreement,
        Set<UUID> schemaVersions,
        Map<String, Datacenter> datacenters,
        List<KeyspaceHealth> keyspaces) {

    public ClusterHealth {
        schemaVersions = Set.copyOf(schemaVersions);
        datacenters = Map.copyOf(datacenters);
        keyspaces = List.copyOf(keyspaces);
    }

    /**
     * One data center's nodes.
     *
     * @param name the data center
     * @param up how many nodes are UP
     * @param down the addresses of those that are not
     */
    public record Datacenter(String name, int up, List<String> down) {
        public Datacenter {
            down = List.copyOf(down);
        }

        @Override
        public String toString() {
            return name + ": " + up + " up, " + down.size() + " down" + (down.isEmpty() ? "" : " " + down);
        }
    }

    /**
     * Whether a consistency level can be reached: {@code needed} replicas, {@code fewestLive} live replicas
     * in the worst token range.
     *
     * @param needed replicas the level needs
     * @param fewestLive live replicas of the token range with the fewest
     */
    public record Reach(int needed, int fewestLive) {
        /** Whether every token range has enough live replicas. */
        public boolean reachable() {
            return fewestLive >= needed;
        }

        /** How many more replicas of the worst range may go down before the level fails (negative: failing). */
        public int spare() {
            return fewestLive - needed;
        }

        @Override
        public String toString() {
            return (reachable() ? "ok" : "UNAVAILABLE") + " (needs " + needed + ", fewest live " + fewestLive + ")";
        }
    }

    /**
     * One keyspace.
     *
     * @param keyspace its name
     * @param strategy its replication strategy's simple class name
     * @param replication replicas per data center ({@code "*"} for SimpleStrategy: all data centers together)
     * @param quorum QUORUM across all data centers
     * @param localQuorum LOCAL_QUORUM in each data center it is replicated to
     */
    public record KeyspaceHealth(
            String keyspace,
            String strategy,
            Map<String, Integer> replication,
            Reach quorum,
            Map<String, Reach> localQuorum) {

        public KeyspaceHealth {
            replication = Map.copyOf(replication);
            localQuorum = Map.copyOf(localQuorum);
        }

        /** Whether LOCAL_QUORUM can be reached in every data center the keyspace is replicated to. */
        public boolean reachesLocalQuorum() {
            return localQuorum.values().stream().allMatch(Reach::reachable);
        }

        @Override
        public String toString() {
            return keyspace + " " + strategy + " " + new TreeMap<>(replication) + ": QUORUM " + quorum
                    + ", LOCAL_QUORUM " + new TreeMap<>(localQuorum);
        }
    }

    /** Whether every keyspace reaches LOCAL_QUORUM in each of its data centers. */
    public boolean everyKeyspaceReachesLocalQuorum() {
        return keyspaces.stream().allMatch(KeyspaceHealth::reachesLocalQuorum);
    }

    /** Whether every keyspace reaches QUORUM. */
    public boolean everyKeyspaceReachesQuorum() {
        return keyspaces.stream().allMatch(k -> k.quorum().reachable());
    }

    /** The keyspaces that cannot reach QUORUM or LOCAL_QUORUM somewhere. */
    public List<KeyspaceHealth> unavailable() {
        return keyspaces.stream()
                .filter(k -> !k.quorum().reachable() || !k.reachesLocalQuorum())
                .toList();
    }

    /**
     * Schema agreement, no node down, and every keyspace keeps LOCAL_QUORUM with one more replica of any
     * range down: one node can be restarted (drain, stop, start) without failing LOCAL_QUORUM requests.
     */
    public boolean safeToRestartOneNode() {
        return schemaAgreement
                && datacenters.values().stream().allMatch(d -> d.down().isEmpty())
                && keyspaces.stream()
                        .allMatch(k -> k.localQuorum().values().stream().allMatch(r -> r.spare() >= 1));
    }

    /** The keyspace named {@code name}. */
    public Optional<KeyspaceHealth> keyspace(String name) {
        return keyspaces.stream().filter(k -> k.keyspace().equals(name)).findFirst();
    }

    static ClusterHealth read(CqlSession session, List<String> names) {
        boolean agreement = session.checkSchemaAgreement();
        Metadata md = session.getMetadata();
        Collection<Node> nodes = md.getNodes().values();
        Map<String, List<String>> down = new TreeMap<>();
        Map<String, Integer> up = new TreeMap<>();
        Set<UUID> versions = new TreeSet<>();
        for (Node n : nodes) {
            String dc = String.valueOf(n.getDatacenter());
            up.merge(dc, n.getState() == NodeState.UP ? 1 : 0, Integer::sum);
            down.computeIfAbsent(dc, k -> new ArrayList<>());
            if (n.getState() != NodeState.UP) {
                down.get(dc).add(CassandraSessions.address(n));
            } else if (n.getSchemaVersion() != null) {
                versions.add(n.getSchemaVersion());
            }
        }
        Map<String, Datacenter> dcs = new TreeMap<>();
        up.forEach((dc, count) -> dcs.put(dc, new Datacenter(dc, count, down.get(dc))));

        List<KeyspaceMetadata> chosen = new ArrayList<>();
        if (names.isEmpty()) {
            md.getKeyspaces().values().stream()
                    .filter(k -> !k.getName().asInternal().startsWith("system"))
                    .sorted((a, b) ->
                            a.getName().asInternal().compareTo(b.getName().asInternal()))
                    .forEach(chosen::add);
        } else {
            for (String name : names) {
                chosen.add(md.getKeyspace(name)
                        .orElseThrow(() -> new RefusedException("the cluster has no keyspace '"
                                + name + "'; its keyspaces: " + keyspaceNames(md) + " (names are case-sensitive;"
                                + " a keyspace created a moment ago shows once the schema agrees; the driver leaves the system"
                                + " keyspaces out of its metadata unless advanced.metadata.schema.refreshed-keyspaces"
                                + " names them)")));
            }
        }
        Optional<TokenMap> tokens = md.getTokenMap();
        List<KeyspaceHealth> health = new ArrayList<>();
        for (KeyspaceMetadata k : chosen) {
            health.add(keyspace(k, nodes, tokens.orElse(null)));
        }
        return new ClusterHealth(agreement, versions, dcs, health);
    }

    private static KeyspaceHealth keyspace(KeyspaceMetadata k, Collection<Node> nodes, TokenMap tokens) {
        Map<String, String> options = k.getReplication();
        String strategy = options.getOrDefault("class", "?");
        strategy = strategy.substring(strategy.lastIndexOf('.') + 1);
        Map<String, Integer> rf = new TreeMap<>();
        Set<String> dcs = CassandraSessions.datacenters(nodes);
        boolean simple = !strategy.equals("NetworkTopologyStrategy");
        if (strategy.equals("NetworkTopologyStrategy")) {
            options.forEach((key, value) -> {
                if (!key.equals("class")) {
                    rf.put(key, factor(value));
                }
            });
        } else if (strategy.equals("EverywhereStrategy")) {
            rf.put("*", nodes.size());
        } else {
            rf.put("*", factor(options.getOrDefault("replication_factor", "1")));
        }
        int total = rf.values().stream().mapToInt(Integer::intValue).sum();
        // live replicas of the worst range: overall and per data center
        int fewestTotal = Integer.MAX_VALUE;
        Map<String, Integer> fewestByDc = new TreeMap<>();
        String ks = k.getName().asInternal();
        Set<TokenRange> ranges = tokens == null ? Set.of() : tokens.getTokenRanges();
        for (TokenRange range : ranges) {
            Set<Node> replicas = tokens.getReplicas(k.getName(), range);
            int live = 0;
            Map<String, Integer> liveByDc = new TreeMap<>();
            for (String dc : dcs) {
                liveByDc.put(dc, 0);
            }
            for (Node r : replicas) {
                if (r.getState() == NodeState.UP) {
                    live++;
                    liveByDc.merge(String.valueOf(r.getDatacenter()), 1, Integer::sum);
                }
            }
            fewestTotal = Math.min(fewestTotal, live);
            liveByDc.forEach((dc, n) -> fewestByDc.merge(dc, n, Math::min));
        }
        if (ranges.isEmpty()) {
            // no token map (token metadata disabled): assume the down nodes all hold one range
            Map<String, int[]> counts = new TreeMap<>();
            for (Node n : nodes) {
                int[] c = counts.computeIfAbsent(String.valueOf(n.getDatacenter()), x -> new int[2]);
                c[0]++;
                c[1] += n.getState() == NodeState.UP ? 0 : 1;
            }
            int all = nodes.size();
            int allDown = counts.values().stream().mapToInt(c -> c[1]).sum();
            fewestTotal = simple ? Math.max(0, Math.min(total, all) - allDown) : 0;
            for (var e : counts.entrySet()) {
                int dcRf = simple ? total : rf.getOrDefault(e.getKey(), 0);
                fewestByDc.put(e.getKey(), Math.max(0, Math.min(dcRf, e.getValue()[0]) - e.getValue()[1]));
            }
            if (!simple) {
                fewestTotal = fewestByDc.entrySet().stream()
                        .filter(e -> rf.containsKey(e.getKey()))
                        .mapToInt(Map.Entry::getValue)
                        .sum();
            }
        }
        Map<String, Reach> local = new TreeMap<>();
        if (simple) {
            // SimpleStrategy ignores data centers: LOCAL_QUORUM needs a quorum of the whole RF locally
            for (String dc : dcs) {
                local.put(dc, new Reach(total / 2 + 1, fewestByDc.getOrDefault(dc, 0)));
            }
        } else {
            rf.forEach((dc, factor) -> {
                if (factor > 0) {
                    local.put(dc, new Reach(factor / 2 + 1, fewestByDc.getOrDefault(dc, 0)));
                }
            });
        }
        return new KeyspaceHealth(
                ks, strategy, rf, new Reach(total / 2 + 1, fewestTotal == Integer.MAX_VALUE ? 0 : fewestTotal), local);
    }

    private static int factor(String value) {
        // "3" or, with transient replication, "3/1" (all replicas / transient ones)
        String full = value.contains("/") ? value.substring(0, value.indexOf('/')) : value;
        return Integer.parseInt(full.trim());
    }

    private static List<String> keyspaceNames(Metadata md) {
        return md.getKeyspaces().keySet().stream()
                .map(id -> id.asInternal())
                .sorted()
                .toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("schema ")
                .append(schemaAgreement ? "agreed" : "NOT agreed " + schemaVersions)
                .append("; nodes ")
                .append(datacenters.values().stream()
                        .sorted((a, b) -> a.name().compareTo(b.name()))
                        .toList());
        for (KeyspaceHealth k : keyspaces) {
            sb.append("\n  ").append(k);
        }
        return sb.toString();
    }
}
