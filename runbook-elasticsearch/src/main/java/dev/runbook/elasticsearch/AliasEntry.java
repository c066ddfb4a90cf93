package dev.runbook.elasticsearch;

import java.util.Objects;

/**
 * One index an alias points to, with the alias's properties on it: a row of the alias table that {@link
 * SwapAlias} records and restores.
 *
 * <pre>{@code
 * new AliasEntry("orders-v1", true, null, null, null, null);   // orders-v1 is the write index
 * }</pre>
 *
 * @param index the index
 * @param isWriteIndex {@code is_write_index}, or {@code null} if not set
 * @param filter the alias filter as JSON, or {@code null}
 * @param indexRouting index routing, or {@code null}
 * @param searchRouting search routing, or {@code null}
 * @param isHidden {@code is_hidden}, or {@code null}
 */
public record AliasEntry(
        String index,
        Boolean isWriteIndex,
        String filter,
        String indexRouting,
        String searchRouting,
        Boolean isHidden) {

    public AliasEntry {
        Objects.requireNonNull(index, "index");
    }

    /** The same properties on another index. */
    public AliasEntry on(String otherIndex) {
        return new AliasEntry(otherIndex, isWriteIndex, filter, indexRouting, searchRouting, isHidden);
    }

    boolean sameProperties(AliasEntry o) {
        return Objects.equals(isWriteIndex, o.isWriteIndex)
                && Objects.equals(filter, o.filter)
                && Objects.equals(indexRouting, o.indexRouting)
                && Objects.equals(searchRouting, o.searchRouting)
                && Objects.equals(isHidden, o.isHidden);
    }
}
