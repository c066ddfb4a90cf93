package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.get_mapping.IndexMappingRecord;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.core.audit.AuditChain;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditSink;
import dev.runbook.core.audit.JsonLinesAuditSink;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Audit records in an Elasticsearch index, hash-chained exactly like {@link JsonLinesAuditSink}'s lines
 * ({@link AuditChain}): one document per record, {@code {"seq", "prev", "event", "hash"}}, with the
 * sequence number as its id and written with {@code op_type=create}, so that a second writer cannot
 * overwrite or fork the chain (its write fails and the run stops: audit fails closed). Opening verifies
 * the chain stored so far and continues it.
 *
 * <pre>{@code
 * try (var audit = es.auditSink("runbook-audit")) {
 *     RunbookEngine.builder().audit(audit).build().apply(runbook, plan);
 *     String head = audit.head();        // keep it elsewhere (the ticket) to detect records cut off the end
 *     audit.verify(head);                // throws AuditException if a record was changed or removed
 * }
 * }</pre>
 *
 * <p>Each write is acknowledged after Elasticsearch's translog is synced (its default {@code
 * index.translog.durability: request}). The index is created if missing, with the chain fields mapped
 * and the event stored but not indexed, and {@code auto_expand_replicas: 0-1}.
 */
public final class ElasticsearchAuditSink implements AuditSink {
    private static final String MAPPING = "{\"dynamic\":\"strict\",\"properties\":{\"seq\":{\"type\":\"long\"},"
            + "\"prev\":{\"type\":\"keyword\"},\"hash\":{\"type\":\"keyword\"},"
            + "\"event\":{\"type\":\"object\",\"enabled\":false}}}";

    private final EsTarget es;
    private final String index;
    private String lastHash;
    private long seq;
    private String broken;

    private ElasticsearchAuditSink(EsTarget es, String index, String lastHash, long seq) {
        this.es = es;
        this.index = index;
        this.lastHash = lastHash;
        this.seq = seq;
    }

    static ElasticsearchAuditSink open(EsTarget es, String index) {
        Names.requireName(index, "audit index");
        try {
            boolean exists = es.call("check audit index '" + index + "'", c -> c.indices()
                            .exists(r -> r.index(index)))
                    .value();
            if (!exists) {
                create(es, index);
            } else {
                requireAuditIndex(es, index);
            }
            List<JsonNode> records = readAll(es, index);
            AuditChain.verify(records, "audit index " + index + " on " + es.name(), null);
            String last = records.isEmpty()
                    ? AuditChain.GENESIS
                    : records.get(records.size() - 1).get("hash").asText();
            return new ElasticsearchAuditSink(es, index, last, records.size());
        } catch (AuditException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AuditException(
                    "cannot open audit index '" + index + "' on " + es.name() + ": " + e.getMessage(), e);
        }
    }

    /** Refuses an existing name that is an alias, a data stream or an index this sink did not create. */
    private static void requireAuditIndex(EsTarget es, String index) {
        Map<String, IndexMappingRecord> mappings = es.call(
                        "read the mapping of '" + index + "'", c -> c.indices().getMapping(r -> r.index(index)))
                .result();
        if (!mappings.keySet().equals(Set.of(index))) {
            throw new AuditException("'" + index + "' on " + es.name() + " is an alias or data stream (of "
                    + new TreeSet<>(mappings.keySet()) + "), not an audit index; nothing was written. Give"
                    + " auditSink(...) a new index name of its own, such as 'runbook-audit'");
        }
        TypeMapping m = mappings.get(index).mappings();
        Property seq = m == null ? null : m.properties().get("seq");
        if (seq == null || !seq.isLong()) {
            throw new AuditException("index '" + index + "' on " + es.name() + " exists but is not an audit index (its"
                    + " mapping has no long field 'seq': auditSink did not create it); nothing was written to it."
                    + " Give auditSink(...) a new index name, such as 'runbook-audit'");
        }
    }

    private static void create(EsTarget es, String index) {
        try {
            es.callRaw("create audit index '" + index + "'", c -> c.indices().create(r -> r.index(index)
                    .settings(st -> st.autoExpandReplicas("0-1"))
                    .mappings(m -> m.withJson(new StringReader(MAPPING)))));
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(EsTarget.type(e))) {
                throw new AuditException(
                        "cannot create audit index '" + index + "' on " + es.name() + ": " + EsTarget.reason(e), e);
            }
        }
    }

    /**
     * Appends one record to the chain.
     *
     * @throws AuditException if it cannot be written, another writer took its place, or an earlier write
     *     failed
     */
    @Override
    public synchronized void write(AuditEvent event) {
        if (broken != null) {
            throw new AuditException("audit index '" + index + "' on " + es.name() + " refuses writes since an earlier"
                    + " write failed (" + broken + "); verify it, and open a new sink to continue the chain");
        }
        ObjectNode record = AuditChain.link(seq + 1, lastHash, event);
        String id = String.valueOf(seq + 1);
        try {
            es.callRaw(
                    "append audit record " + id,
                    c -> c.create(r -> r.index(index).id(id).document(JsonData.fromJson(Json.write(record)))));
        } catch (ElasticsearchException e) {
            broken = EsTarget.reason(e);
            throw new AuditException(
                    e.status() == 409
                            ? "audit record " + id + " already exists in '" + index + "' on " + es.name()
                                    + ": another process is writing to the same audit index; the run stops before its"
                                    + " next change. Give each writer its own index, or open a new sink"
                            : "cannot append audit record " + id + " to '" + index + "' on " + es.name() + ": " + broken
                                    + "; the run stops before its next change",
                    e);
        } catch (RuntimeException e) {
            broken = String.valueOf(e.getMessage());
            throw new AuditException(
                    "cannot append audit record " + id + " to '" + index + "' on " + es.name() + ": " + e.getMessage()
                            + "; the run stops before its next change; resume it once the cluster is back",
                    e);
        }
        seq++;
        lastHash = record.get("hash").asText();
    }

    /** The hash of the last record (or {@link AuditChain#GENESIS}): keep it elsewhere to detect a cut end. */
    public synchronized String head() {
        return lastHash;
    }

    /** How many records the index holds. */
    public synchronized long size() {
        return seq;
    }

    /** The index the records go to. */
    public String index() {
        return index;
    }

    /**
     * Reads every record in order and checks the chain, and that it ends at {@code expectedHead} when that
     * is not null. Returns the records.
     *
     * @throws AuditException naming the first record that breaks the chain
     */
    public List<JsonNode> verify(String expectedHead) {
        return AuditChain.verify(readAll(es, index), "audit index " + index + " on " + es.name(), expectedHead);
    }

    private static List<JsonNode> readAll(EsTarget es, String index) {
        es.call("refresh audit index '" + index + "'", c -> c.indices().refresh(r -> r.index(index)));
        List<JsonNode> out = new ArrayList<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            SearchResponse<JsonData> page = es.call(
                    "read audit index '" + index + "'",
                    c -> c.search(
                            r -> {
                                r.index(index)
                                        .size(1000)
                                        .sort(s -> s.field(f -> f.field("seq").order(SortOrder.Asc)));
                                if (from != null) {
                                    r.searchAfter(from);
                                }
                                return r;
                            },
                            JsonData.class));
            List<Hit<JsonData>> hits = page.hits().hits();
            for (Hit<JsonData> h : hits) {
                try {
                    out.add(Json.mapper().readTree(h.source().toJson().toString()));
                } catch (IOException e) {
                    throw new AuditException(
                            "audit index '" + index + "' holds a record that is not JSON: " + h.id(), e);
                }
            }
            if (hits.size() < 1000) {
                return out;
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchAuditSink[" + es.name() + "/" + index + ", " + seq + " records]";
    }
}
