package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cat.indices.IndicesRecord;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET _cluster/health}, with the red indices named ({@code _cat/indices?health=red}) when the
 * cluster is red.
 *
 * <pre>{@code
 * ClusterHealth h = es.clusterHealth().read();
 * h.status();      // "red"
 * h.redIndices();  // [orders-broken]
 * }</pre>
 *
 * @param cluster the cluster name
 * @param status green, yellow or red
 * @param nodes nodes in the cluster
 * @param dataNodes data nodes
 * @param activePrimaryShards active primary shards
 * @param activeShards active shards, replicas included
 * @param unassignedShards unassigned shards
 * @param unassignedPrimaryShards unassigned primaries (each one makes its index red)
 * @param initializingShards initializing shards
 * @param relocatingShards relocating shards
 * @param pendingTasks pending cluster-state tasks
 * @param activeShardsPercent active shards, percent
 * @param redIndices the indices with an unassigned primary, when red (at most 50)
 */
public record ClusterHealth(
        String cluster,
        String status,
        int nodes,
        int dataNodes,
        int activePrimaryShards,
        int activeShards,
        int unassignedShards,
        int unassignedPrimaryShards,
        int initializingShards,
        int relocatingShards,
        int pendingTasks,
        double activeShardsPercent,
        List<String> redIndices) {

    public ClusterHealth {
        redIndices = List.copyOf(redIndices == null ? List.of() : redIndices);
    }

    static ClusterHealth read(EsTarget es) {
        HealthResponse h = es.call("read cluster health", c -> c.cluster().health(r -> r));
        List<String> red = List.of();
        if (h.status() == HealthStatus.Red) {
            red = es
                    .call("list red indices", c -> c.cat().indices(r -> r.health(HealthStatus.Red)
                            .expandWildcards(ExpandWildcard.All)
                            .h("index")))
                    .valueBody()
                    .stream()
                    .map(IndicesRecord::index)
                    .sorted()
                    .limit(50)
                    .toList();
        }
        return new ClusterHealth(
                h.clusterName(),
                h.status().jsonValue().toLowerCase(Locale.ROOT),
                h.numberOfNodes(),
                h.numberOfDataNodes(),
                h.activePrimaryShards(),
                h.activeShards(),
                h.unassignedShards(),
                h.unassignedPrimaryShards(),
                h.initializingShards(),
                h.relocatingShards(),
                h.numberOfPendingTasks(),
                h.activeShardsPercentAsNumber(),
                red);
    }

    /** Whether every primary shard is assigned (status yellow or green). */
    public boolean primariesActive() {
        return !"red".equals(status);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: cluster %s, %d node%s (%d data), %d primaries and %d shards active (%.1f%%), %d unassigned"
                        + " (%d primaries), %d initializing, %d relocating, %d pending tasks%s",
                status,
                cluster,
                nodes,
                nodes == 1 ? "" : "s",
                dataNodes,
                activePrimaryShards,
                activeShards,
                activeShardsPercent,
                unassignedShards,
                unassignedPrimaryShards,
                initializingShards,
                relocatingShards,
                pendingTasks,
                redIndices.isEmpty() ? "" : "; red: " + redIndices);
    }
}
