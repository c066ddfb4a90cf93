package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an action's apply did: the outcome, a sentence, counts, per-item outcomes and details.
 *
 * <pre>{@code
 * return ApplyResult.changed("unlinked 1,000,000 keys").count("deleted", 1_000_000).build();
 * }</pre>
 *
 * @param outcome {@link Outcome#CHANGED} or {@link Outcome#UNCHANGED} normally; FAILED or UNKNOWN for
 *     partial work the action reports rather than throws
 * @param summary one human sentence
 * @param counts numbers done: deleted, replayed, partitions
 * @param items per-item outcomes, where the action has items
 * @param details action-specific extras (the after-state it saw)
 */
public record ApplyResult(
        Outcome outcome, String summary, Map<String, Long> counts, List<ItemOutcome> items, JsonNode details) {

    public ApplyResult {
        Objects.requireNonNull(outcome, "outcome");
        summary = summary == null ? "" : summary;
        counts = Map.copyOf(counts == null ? Map.of() : counts);
        items = List.copyOf(items == null ? List.of() : items);
        details = details == null ? Json.tree(null) : details;
    }

    /** A count, or 0 when absent. */
    public long count(String what) {
        return counts.getOrDefault(what, 0L);
    }

    /** Starts a result that changed the target. */
    public static Builder changed(String summary) {
        return new Builder(Outcome.CHANGED, summary);
    }

    /** Starts a result that found nothing to do. */
    public static Builder unchanged(String summary) {
        return new Builder(Outcome.UNCHANGED, summary);
    }

    /** Starts a result with any outcome. */
    public static Builder of(Outcome outcome, String summary) {
        return new Builder(outcome, summary);
    }

    /** Builds an {@link ApplyResult}. */
    public static final class Builder {
        private final Outcome outcome;
        private final String summary;
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private final List<ItemOutcome> items = new ArrayList<>();
        private JsonNode details;

        private Builder(Outcome outcome, String summary) {
            this.outcome = outcome;
            this.summary = summary;
        }

        public Builder count(String what, long n) {
            counts.put(what, n);
            return this;
        }

        public Builder item(String item, Outcome outcome, String detail) {
            items.add(new ItemOutcome(item, outcome, detail));
            return this;
        }

        public Builder items(List<ItemOutcome> more) {
            items.addAll(more);
            return this;
        }

        public Builder details(Object details) {
            this.details = Json.tree(details);
            return this;
        }

        public ApplyResult build() {
            return new ApplyResult(outcome, summary, counts, items, details);
        }
    }
}
