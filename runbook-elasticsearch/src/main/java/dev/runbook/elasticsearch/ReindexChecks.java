package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch.indices.get_mapping.IndexMappingRecord;
import co.elastic.clients.json.JsonpUtils;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a {@link Reindex} reads and checks before it starts: the indices, their counts, mapping and disk. */
final class ReindexChecks {
    private final EsTarget es;
    private final ReindexSettings s;

    ReindexChecks(EsTarget es, ReindexSettings s) {
        this.es = es;
        this.s = s;
    }

    Reindex.Observed observe() {
        List<IndexInfo> sources = sourceIndices();
        IndexInfo dest = IndexListing.read(es, s.dest()).indices().stream()
                .filter(i -> i.name().equals(s.dest()))
                .findFirst()
                .orElseThrow(() -> new RefusedException("destination index '" + s.dest() + "' does not exist on "
                        + es.name() + "; create it with the corrected mapping first (PUT " + s.dest()
                        + " {\"mappings\": {...}}): an index created by the reindex itself would get a dynamic"
                        + " mapping"));
        if (sources.stream().anyMatch(i -> i.name().equals(s.dest()))) {
            throw new RefusedException("'" + s.dest() + "' is also the source; reindex into a new index");
        }
        for (IndexInfo i : sources) {
            requireReadable(i, "source");
        }
        requireReadable(dest, "destination");
        String mapping = mappingOf(s.dest());
        return new Reindex.Observed(
                sources.stream().map(IndexInfo::uuid).toList(),
                count(s.source()),
                dest.uuid(),
                count(s.dest()),
                Json.sha256(mapping),
                ReindexTask.running(es, s.source(), s.dest()).orElse(null));
    }

    List<IndexInfo> sourceIndices() {
        List<IndexInfo> direct = IndexListing.read(es, s.source()).indices().stream()
                .filter(i -> i.name().equals(s.source()))
                .toList();
        if (!direct.isEmpty()) {
            return direct;
        }
        List<IndexInfo> out = new ArrayList<>();
        for (AliasEntry e : AliasTable.read(es, s.source())) {
            IndexListing.read(es, e.index()).indices().stream()
                    .filter(i -> i.name().equals(e.index()))
                    .forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new RefusedException("source '" + s.source() + "' is neither an index nor an alias on " + es.name()
                    + "; check the name with indices(\"" + s.source() + "*\")");
        }
        return out;
    }

    void requireReadable(IndexInfo i, String role) {
        if (!"open".equals(i.status())) {
            throw new RefusedException(
                    role + " index '" + i.name() + "' on " + es.name() + " is closed; open it first");
        }
        if ("red".equals(i.health())) {
            throw new RefusedException(role + " index '" + i.name() + "' on " + es.name() + " is red (a primary"
                    + " shard is unassigned): a reindex would "
                    + (role.equals("source") ? "miss its documents" : "fail")
                    + "; fix its allocation first (GET _cluster/allocation/explain)");
        }
    }

    String mappingOf(String index) {
        Map<String, IndexMappingRecord> m = es.call(
                        "read the mapping of '" + index + "'", c -> c.indices().getMapping(r -> r.index(index)))
                .result();
        IndexMappingRecord r = m.get(index);
        if (r == null || r.mappings() == null || r.mappings().properties().isEmpty()) {
            throw new RefusedException("destination index '" + index + "' on " + es.name() + " has no mapping: the"
                    + " reindex would map fields dynamically, the drift this step fixes; create it with the"
                    + " corrected mapping (PUT " + index + " {\"mappings\": {\"properties\": {...}}})");
        }
        return JsonpUtils.toJsonString(r.mappings(), es.client()._jsonpMapper());
    }

    long count(String index) {
        return es.call("count documents in '" + index + "'", c -> c.count(r -> r.index(index)))
                .count();
    }

    ReindexDryRun dryRun(Reindex.Observed o) {
        List<IndexInfo> sources = sourceIndices();
        long bytes = sources.stream()
                .mapToLong(i -> i.bytes() == null ? 0 : i.bytes())
                .sum();
        DiskAllocation disk = DiskAllocation.read(es);
        return new ReindexDryRun(
                s.source(),
                s.dest(),
                o.sourceDocs(),
                o.destDocs(),
                bytes,
                disk.headroomBytes(),
                disk.watermarks().toString(),
                o.runningTask(),
                ReindexTask.requestLine(s));
    }
}
