package dev.runbook.examples;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.elasticsearch.ClusterHealth;
import dev.runbook.elasticsearch.ElasticsearchActions;
import dev.runbook.elasticsearch.IndexListing;
import java.time.Duration;

/**
 * Seed runbook INC-009 "Elasticsearch read model drift" as code: read the cluster's health, tell the team,
 * free disk by deleting the old monthly indices within a budget (scenario 1, the seed's {@code curl -X DELETE
 * ".../orders-2025-*"} without the wildcard on the wire), reindex the read model into the index with the
 * corrected mapping and swap the alias to it in one atomic call (scenario 3), verify, and hand over the sink
 * connector.
 *
 * <pre>{@code
 * try (ElasticsearchActions es = ElasticsearchActions.connect("http://elasticsearch:9200")) {
 *     Runbook rb = ElasticsearchDrift.runbook(es);
 * }
 * }</pre>
 */
public final class ElasticsearchDrift {
    /** The seed's old indices. */
    public static final String OLD_INDICES = "orders-2025-*";

    /** The read model's alias. */
    public static final String ALIAS = "orders";

    /** The index the alias points at, with the drifted mapping. */
    public static final String SOURCE = "orders-v1";

    /** The index created with the corrected mapping. */
    public static final String DEST = "orders-v2";

    /** At most this many old indices deleted. */
    public static final long MAX_INDICES = 24;

    /** At most this many bytes deleted (50 GiB). */
    public static final long MAX_BYTES = 50L << 30;

    private ElasticsearchDrift() {}

    /** The runbook with the seed's values: {@code orders-2025-*} (at most 24, 50 GiB, a day old), orders-v1 to v2. */
    public static Runbook runbook(ElasticsearchActions es) {
        return runbook(es, OLD_INDICES, MAX_INDICES, MAX_BYTES, Duration.ofDays(1), ALIAS, SOURCE, DEST);
    }

    /**
     * The runbook for one cluster.
     *
     * @param es the cluster
     * @param oldIndices the pattern of indices to delete, such as {@code orders-2025-*}
     * @param maxIndices at most this many deleted, else the plan is refused
     * @param maxBytes at most this many bytes deleted, else the plan is refused
     * @param minAge indices younger than this are kept
     * @param alias the read model's alias, such as {@code orders}
     * @param source the index it points at, such as {@code orders-v1}
     * @param dest the index with the corrected mapping, such as {@code orders-v2}
     * @throws IllegalArgumentException for blank names, budgets below 1, a negative age, or {@code source}
     *     equal to {@code dest}
     */
    public static Runbook runbook(
            ElasticsearchActions es,
            String oldIndices,
            long maxIndices,
            long maxBytes,
            Duration minAge,
            String alias,
            String source,
            String dest) {
        for (String[] p :
                new String[][] {{"oldIndices", oldIndices}, {"alias", alias}, {"source", source}, {"dest", dest}}) {
            if (p[1] == null || p[1].isBlank()) {
                throw new IllegalArgumentException(p[0] + " is missing");
            }
        }
        if (source.equals(dest)) {
            throw new IllegalArgumentException("source and dest are both '" + source + "': reindex into a new index");
        }
        if (maxIndices < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "the delete budget must be >= 1 index and >= 1 byte, was " + maxIndices + " and " + maxBytes);
        }
        if (minAge == null || minAge.isNegative()) {
            throw new IllegalArgumentException("minAge must be >= 0, was " + minAge);
        }
        Probe<ClusterHealth> health = es.clusterHealth();
        Probe<IndexListing> target = es.indices(dest);
        return Runbook.builder("INC-009", "Elasticsearch read model drift")
                .severity(Severity.SEV2)
                .service("elasticsearch")
                .link("seeds/000 INC-009: Triage, Mitigation (scenarios 1 and 3), Resolve")
                .precheck(
                        "the cluster answers",
                        health,
                        Condition.<ClusterHealth>of("has a status", h -> h.status() != null))
                .precheck(
                        dest + " exists for the corrected mapping",
                        target,
                        Condition.<IndexListing>of("has the index", l -> l.indices().stream()
                                .anyMatch(i -> i.name().equals(dest))))
                .id("the-target-index-exists")
                .manual(
                        "tell the team",
                        "Slack #infra-alerts: 'ES read model drift: deleting " + oldIndices + ", reindexing " + source
                                + " into " + dest + "'; dashboards and search may be stale until the alias moves")
                .step(
                        "delete the old indices",
                        es.deleteIndices(oldIndices)
                                .minAge(minAge)
                                .maxIndices(maxIndices)
                                .maxBytes(maxBytes))
                .step("reindex " + source + " into " + dest, es.reindex(source, dest))
                .step(
                        "swap alias " + alias + " to " + dest,
                        es.swapAlias(alias, dest).from(source))
                .verify("the cluster is not red", health, Condition.<ClusterHealth>of("is green or yellow", h -> !"red"
                        .equals(h.status())))
                .verify(
                        alias + " serves " + dest,
                        target,
                        Condition.<IndexListing>of("has " + dest + " behind " + alias, l -> l.indices().stream()
                                .anyMatch(i ->
                                        i.name().equals(dest) && i.aliases().contains(alias))))
                .manual(
                        "point the sink at the new index and resolve",
                        "Point the elasticsearch-sink connector at " + dest + " (or the alias), check it is RUNNING"
                                + " and its lag < 10 s; spot-check one order in MySQL and ES; drop " + source
                                + " after a day")
                .id("point-the-sink-and-resolve")
                .build();
    }
}
