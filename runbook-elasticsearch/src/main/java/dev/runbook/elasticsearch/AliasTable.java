package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.indices.AliasDefinition;
import co.elastic.clients.elasticsearch.indices.get_alias.IndexAliases;
import co.elastic.clients.elasticsearch.indices.update_aliases.Action;
import co.elastic.clients.json.JsonpUtils;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Where one alias points: each index with the alias's properties there. Read with {@code GET
 * _alias/<name>}; changed with one atomic {@code POST _aliases}.
 */
final class AliasTable {
    private AliasTable() {}

    static List<AliasEntry> read(EsTarget es, String alias) {
        // Resolve the alias to its indices first and ask only those: GET _alias/<name> asks every index,
        // and one index anywhere with a metadata block (index.blocks.metadata) would refuse it.
        List<String> indices = es
                .call("resolve alias '" + alias + "'", c -> c.indices().resolveIndex(r -> r.name(alias)
                        .expandWildcards(ExpandWildcard.All)
                        .ignoreUnavailable(true)
                        .allowNoIndices(true)))
                .aliases()
                .stream()
                .filter(a -> a.name().equals(alias))
                .flatMap(a -> a.indices().stream())
                .toList();
        if (indices.isEmpty()) {
            return List.of();
        }
        Map<String, IndexAliases> result;
        try {
            result = es.callRaw("read alias '" + alias + "'", c -> c.indices().getAlias(r -> r.index(indices)
                            .name(alias)
                            .expandWildcards(ExpandWildcard.All)
                            .ignoreUnavailable(true)))
                    .result();
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw new dev.runbook.core.RefusedException(
                    es.name() + " refused to read alias '" + alias + "': " + EsTarget.reason(e), e);
        }
        List<AliasEntry> out = new ArrayList<>();
        result.forEach((index, aliases) -> {
            AliasDefinition d = aliases.aliases().get(alias);
            if (d != null) {
                out.add(new AliasEntry(
                        index,
                        d.isWriteIndex(),
                        d.filter() == null
                                ? null
                                : JsonpUtils.toJsonString(
                                        d.filter(), es.client()._jsonpMapper()),
                        d.indexRouting(),
                        d.searchRouting(),
                        d.isHidden()));
            }
        });
        out.sort(Comparator.comparing(AliasEntry::index));
        return List.copyOf(out);
    }

    /** The {@code _aliases} actions that turn {@code current} into {@code desired}. */
    static List<Action> actions(String alias, List<AliasEntry> current, List<AliasEntry> desired) {
        List<Action> out = new ArrayList<>();
        for (AliasEntry c : current) {
            if (desired.stream().noneMatch(d -> d.index().equals(c.index()))) {
                out.add(Action.of(
                        a -> a.remove(r -> r.index(c.index()).alias(alias).mustExist(true))));
            }
        }
        for (AliasEntry d : desired) {
            boolean same = current.stream().anyMatch(c -> c.index().equals(d.index()) && c.sameProperties(d));
            if (!same) {
                out.add(Action.of(a -> a.add(x -> {
                    x.index(d.index()).alias(alias);
                    if (d.isWriteIndex() != null) {
                        x.isWriteIndex(d.isWriteIndex());
                    }
                    if (d.filter() != null) {
                        x.filter(Query.of(q -> q.withJson(new StringReader(d.filter()))));
                    }
                    if (d.indexRouting() != null) {
                        x.indexRouting(d.indexRouting());
                    }
                    if (d.searchRouting() != null) {
                        x.searchRouting(d.searchRouting());
                    }
                    if (d.isHidden() != null) {
                        x.isHidden(d.isHidden());
                    }
                    return x;
                })));
            }
        }
        return out;
    }

    static String describe(List<AliasEntry> table) {
        if (table.isEmpty()) {
            return "nothing";
        }
        List<String> parts = new ArrayList<>();
        for (AliasEntry e : table) {
            parts.add(e.index()
                    + (Boolean.TRUE.equals(e.isWriteIndex()) ? " (write)" : "")
                    + (e.filter() != null ? " (filtered)" : ""));
        }
        return String.join(", ", parts);
    }
}
