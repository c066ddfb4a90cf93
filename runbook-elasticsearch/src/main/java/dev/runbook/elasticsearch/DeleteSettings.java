package dev.runbook.elasticsearch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every parameter of a {@link DeleteIndices}, as its plan records it.
 *
 * @param pattern the index pattern ({@code orders-2025-*})
 * @param minAge indices created more recently than this are kept (default one day)
 * @param maxIndices refuse to plan when more indices would be deleted (default 500)
 * @param maxBytes refuse to plan when their store size, replicas included, is larger (default no limit)
 * @param includeHidden delete hidden indices too
 * @param includeSystem delete system indices too
 * @param includeDataStreamIndices delete data streams' backing indices too
 * @param includeAliased delete indices that aliases point to (but not write indices)
 * @param includeWriteIndices delete indices that are an alias's write index
 * @param protect globs of names never deleted, on top of the context's guards
 */
public record DeleteSettings(
        String pattern,
        Duration minAge,
        long maxIndices,
        long maxBytes,
        boolean includeHidden,
        boolean includeSystem,
        boolean includeDataStreamIndices,
        boolean includeAliased,
        boolean includeWriteIndices,
        List<String> protect) {

    public DeleteSettings {
        Objects.requireNonNull(minAge, "minAge");
        protect = List.copyOf(protect == null ? List.of() : protect);
    }

    static DeleteSettings defaults(String pattern) {
        return new DeleteSettings(
                pattern, Duration.ofDays(1), 500, Long.MAX_VALUE, false, false, false, false, false, List.of());
    }

    DeleteSettings withMinAge(Duration d) {
        return new DeleteSettings(
                pattern,
                d,
                maxIndices,
                maxBytes,
                includeHidden,
                includeSystem,
                includeDataStreamIndices,
                includeAliased,
                includeWriteIndices,
                protect);
    }

    DeleteSettings withMaxIndices(long n) {
        return new DeleteSettings(
                pattern,
                minAge,
                n,
                maxBytes,
                includeHidden,
                includeSystem,
                includeDataStreamIndices,
                includeAliased,
                includeWriteIndices,
                protect);
    }

    DeleteSettings withMaxBytes(long n) {
        return new DeleteSettings(
                pattern,
                minAge,
                maxIndices,
                n,
                includeHidden,
                includeSystem,
                includeDataStreamIndices,
                includeAliased,
                includeWriteIndices,
                protect);
    }

    DeleteSettings withInclude(boolean hidden, boolean system, boolean dataStream, boolean aliased, boolean write) {
        return new DeleteSettings(
                pattern, minAge, maxIndices, maxBytes, hidden, system, dataStream, aliased, write, protect);
    }

    DeleteSettings withProtect(String... globs) {
        List<String> all = new ArrayList<>(protect);
        for (String g : globs) {
            if (g == null || g.isBlank()) {
                throw new IllegalArgumentException("a protected pattern must not be empty");
            }
            all.add(g);
        }
        return new DeleteSettings(
                pattern,
                minAge,
                maxIndices,
                maxBytes,
                includeHidden,
                includeSystem,
                includeDataStreamIndices,
                includeAliased,
                includeWriteIndices,
                all);
    }
}
