package dev.runbook.trino;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coordinator's queries at one moment: how many per state, the oldest queued, and the heaviest
 * running by CPU and by memory, as the seed's "Trino backlog" step reads them.
 *
 * <pre>{@code
 * QueuedQueries q = trino.queuedQueries().read();
 * q.count("QUEUED");            // 14
 * q.heaviestByCpu();            // 20251207_..._abcde alice@superset RUNNING 812s "SELECT ..."
 * }</pre>
 *
 * @param byState the number of queries per state
 * @param oldestQueued the query queued longest, or null
 * @param heaviestByCpu the running query with the most CPU time, or null
 * @param heaviestByMemory the running query with the most user memory, or null
 */
public record QueuedQueries(
        Map<String, Integer> byState, TrinoQuery oldestQueued, TrinoQuery heaviestByCpu, TrinoQuery heaviestByMemory) {

    public QueuedQueries {
        byState = Map.copyOf(byState);
    }

    /** How many queries are in {@code state} (0 when none). */
    public int count(String state) {
        return byState.getOrDefault(state, 0);
    }

    static QueuedQueries of(List<TrinoQuery> all) {
        Map<String, Integer> counts = new TreeMap<>();
        all.forEach(q -> counts.merge(q.state(), 1, Integer::sum));
        List<TrinoQuery> running =
                all.stream().filter(q -> "RUNNING".equals(q.state())).toList();
        return new QueuedQueries(
                counts,
                all.stream()
                        .filter(q -> "QUEUED".equals(q.state()))
                        .max(Comparator.comparing(TrinoQuery::queued))
                        .orElse(null),
                running.stream().max(Comparator.comparing(TrinoQuery::cpu)).orElse(null),
                running.stream()
                        .max(Comparator.comparingLong(TrinoQuery::memoryBytes))
                        .orElse(null));
    }

    @Override
    public String toString() {
        return "queries " + byState + ", oldest queued " + (oldestQueued == null ? "none" : oldestQueued.line())
                + ", heaviest by CPU " + (heaviestByCpu == null ? "none" : heaviestByCpu.line());
    }
}
