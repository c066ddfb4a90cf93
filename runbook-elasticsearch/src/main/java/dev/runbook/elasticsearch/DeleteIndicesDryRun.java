package dev.runbook.elasticsearch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a {@link DeleteIndices} plan shows a reviewer: every index the pattern matches, with health,
 * status, docs, size, creation date and aliases, and why any is excluded; the totals; and how many
 * delete requests apply will send. Printing it gives the table.
 *
 * <pre>{@code
 * System.out.println(plan.details(DeleteIndicesDryRun.class));
 * }</pre>
 *
 * @param pattern the pattern
 * @param indices every matching index, sorted by name, each with its exclusion reason or {@code null}
 * @param deleting how many indices apply deletes
 * @param excluded how many are kept
 * @param bytes the store size of those deleted, replicas included
 * @param docs their documents
 * @param requests the DELETE requests apply sends (names in chunks that keep the request line short)
 */
public record DeleteIndicesDryRun(
        String pattern, List<Entry> indices, long deleting, long excluded, long bytes, long docs, int requests) {

    public DeleteIndicesDryRun {
        indices = List.copyOf(indices);
    }

    /**
     * One matching index.
     *
     * @param index the index
     * @param excludedBecause why it is kept, or {@code null} if it is deleted
     */
    public record Entry(IndexInfo index, String excludedBecause) {}

    /** The kept indices grouped by reason: {@code 1 system index [.tasks], 2 has alias [a, b]}. */
    public String keptSummary() {
        Map<String, List<String>> byReason = new TreeMap<>();
        for (Entry e : indices) {
            if (e.excludedBecause() != null) {
                byReason.computeIfAbsent(Exclusions.kind(e.excludedBecause()), k -> new ArrayList<>())
                        .add(e.index().name());
            }
        }
        return byReason.entrySet().stream()
                .map(e -> e.getValue().size() + " " + e.getKey() + " "
                        + e.getValue().subList(0, Math.min(3, e.getValue().size()))
                        + (e.getValue().size() > 3 ? "..." : ""))
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return IndexTable.render(
                indices.stream()
                        .map(e -> new IndexTable.Row(e.index(), e.excludedBecause()))
                        .toList(),
                String.format(
                        Locale.ROOT,
                        "'%s': %,d indices match; delete %,d (%s, %,d docs) in %d request%s; keep %,d",
                        pattern,
                        indices.size(),
                        deleting,
                        IndexTable.bytes(bytes),
                        docs,
                        requests,
                        requests == 1 ? "" : "s",
                        excluded));
    }
}
