package dev.runbook.core;

import java.util.Objects;

/**
 * The outcome of one item inside a step: a partition, a pod, a batch of keys.
 *
 * <pre>{@code
 * new ItemOutcome("orders-3", Outcome.CHANGED, "offset 1200 -> 1201")
 * }</pre>
 *
 * @param item what the item is
 * @param outcome what happened to it
 * @param detail one line: before and after, or the error
 */
public record ItemOutcome(String item, Outcome outcome, String detail) {
    public ItemOutcome {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }
}
