package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.Bytes;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.cat.indices.IndicesRecord;
import co.elastic.clients.elasticsearch.indices.AliasDefinition;
import co.elastic.clients.elasticsearch.indices.ResolveIndexResponse;
import co.elastic.clients.elasticsearch.indices.get_alias.IndexAliases;
import co.elastic.clients.elasticsearch.indices.resolve_index.ResolveIndexAliasItem;
import co.elastic.clients.elasticsearch.indices.resolve_index.ResolveIndexDataStreamsItem;
import co.elastic.clients.elasticsearch.indices.resolve_index.ResolveIndexItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The concrete indices a pattern matches, hidden and closed ones included, with the facts a delete
 * needs: from the resolve-index API (names, attributes, data streams), {@code _alias} (aliases and write
 * indices) and {@code _cat/indices} (health, status, docs, size, creation date). Three reads, whatever
 * the number of indices.
 *
 * <pre>{@code
 * System.out.println(es.indices("orders-2025-*").read());
 * }</pre>
 *
 * @param pattern the pattern as given
 * @param indices the matching indices, sorted by name
 */
public record IndexListing(String pattern, List<IndexInfo> indices) {

    public IndexListing {
        indices = List.copyOf(indices);
    }

    static IndexListing read(EsTarget es, String pattern) {
        List<ResolveIndexItem> resolved = es.call(
                        "resolve index '" + pattern + "'", c -> c.indices().resolveIndex(r -> r.name(pattern)
                                .expandWildcards(ExpandWildcard.All)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)))
                .indices();
        if (resolved.isEmpty()) {
            return new IndexListing(pattern, List.of());
        }
        Map<String, IndexAliases> aliases = es.call("read the aliases of '" + pattern + "'", c -> c.indices()
                        .getAlias(r -> r.index(pattern)
                                .expandWildcards(ExpandWildcard.All)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)))
                .result();
        Map<String, IndicesRecord> cat = new HashMap<>();
        List<IndicesRecord> rows;
        try {
            rows = es.callRaw("list indices '" + pattern + "'", c -> c.cat().indices(r -> r.index(pattern)
                            .expandWildcards(ExpandWildcard.All)
                            .bytes(Bytes.Bytes)
                            .h("index", "uuid", "health", "status", "docs.count", "store.size", "creation.date")))
                    .valueBody();
        } catch (ElasticsearchException e) {
            if (e.status() != 404) {
                throw new dev.runbook.core.RefusedException(
                        es.name() + " refused to list indices '" + pattern + "': " + EsTarget.reason(e), e);
            }
            rows = List.of(); // deleted between the two reads
        }
        rows.forEach(r -> cat.put(r.index(), r));
        List<IndexInfo> out = new ArrayList<>();
        for (ResolveIndexItem item : resolved) {
            IndicesRecord r = cat.get(item.name());
            IndexAliases a = aliases.get(item.name());
            List<String> names = new ArrayList<>();
            List<String> writes = new ArrayList<>();
            if (a != null) {
                for (Map.Entry<String, AliasDefinition> e : a.aliases().entrySet()) {
                    names.add(e.getKey());
                    if (Boolean.TRUE.equals(e.getValue().isWriteIndex())) {
                        writes.add(e.getKey());
                    }
                }
            } else {
                names.addAll(item.aliases());
            }
            List<String> attrs = item.attributes();
            out.add(new IndexInfo(
                    item.name(),
                    r == null ? null : r.uuid(),
                    r == null ? null : r.health(),
                    attrs.contains("closed") ? "close" : "open",
                    r == null ? null : number(r.docsCount()),
                    r == null ? null : number(r.storeSize()),
                    r == null || r.creationDate() == null
                            ? null
                            : Instant.ofEpochMilli(Long.parseLong(r.creationDate())),
                    names,
                    writes,
                    attrs.contains("hidden"),
                    attrs.contains("system"),
                    item.dataStream()));
        }
        out.sort(Comparator.comparing(IndexInfo::name));
        return new IndexListing(pattern, out);
    }

    /**
     * What else {@code pattern} names that is not an index: aliases (with their indices) and data streams
     * (with their backing indices), as a sentence for a plan that found no index, or {@code ""} if none.
     */
    static String notIndices(EsTarget es, String pattern) {
        ResolveIndexResponse r =
                es.call("resolve index '" + pattern + "'", c -> c.indices().resolveIndex(q -> q.name(pattern)
                        .expandWildcards(ExpandWildcard.All)
                        .ignoreUnavailable(true)
                        .allowNoIndices(true)));
        List<String> parts = new ArrayList<>();
        for (ResolveIndexAliasItem a : r.aliases()) {
            parts.add("'" + a.name() + "' is an alias (of " + shortList(a.indices()) + "): a delete takes index names,"
                    + " never an alias; name the indices, or a pattern for them");
        }
        for (ResolveIndexDataStreamsItem d : r.dataStreams()) {
            parts.add("data stream " + d.name() + " matches (backing indices " + shortList(d.backingIndices())
                    + "): to delete old backing indices use deleteIndices(\".ds-" + d.name()
                    + "-*\").includeDataStreamIndices() (its write index cannot be deleted; DELETE _data_stream/"
                    + d.name() + " removes the whole stream)");
        }
        return String.join("; ", parts);
    }

    /**
     * The write index of each of these data streams (the last generation of its backing indices), which
     * Elasticsearch refuses to delete; empty when {@code streams} is.
     */
    static Set<String> dataStreamWriteIndices(EsTarget es, Collection<String> streams) {
        if (streams.isEmpty()) {
            return Set.of();
        }
        List<String> names = List.copyOf(new TreeSet<>(streams));
        ResolveIndexResponse r =
                es.call("resolve data streams " + names, c -> c.indices().resolveIndex(q -> q.name(names)
                        .expandWildcards(ExpandWildcard.All)
                        .ignoreUnavailable(true)
                        .allowNoIndices(true)));
        Set<String> out = new HashSet<>();
        for (ResolveIndexDataStreamsItem d : r.dataStreams()) {
            List<String> backing = d.backingIndices();
            if (!backing.isEmpty()) {
                out.add(backing.get(backing.size() - 1));
            }
        }
        return out;
    }

    private static String shortList(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(5, names.size())))
                + (names.size() > 5 ? ", ... " + names.size() + " in all" : "");
    }

    private static Long number(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The total store size of the indices whose size is known, in bytes. */
    public long totalBytes() {
        return indices.stream()
                .mapToLong(i -> i.bytes() == null ? 0 : i.bytes())
                .sum();
    }

    @Override
    public String toString() {
        return IndexTable.render(
                indices.stream().map(i -> new IndexTable.Row(i, null)).toList(),
                indices.size() + " indices match '" + pattern + "' (" + IndexTable.bytes(totalBytes()) + ")");
    }
}
