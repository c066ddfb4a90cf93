package dev.runbook.core;

import java.util.Locale;

/**
 * A count with its noun, as plans, reports and messages print it: {@code 1 key}, {@code 2 keys}, {@code
 * 1,000,000 keys}.
 *
 * <pre>{@code
 * Plural.of(1, "key");                       // "1 key"
 * Plural.of(3, "partition");                 // "3 partitions"
 * Plural.of(2, "member", "members");         // "2 members"
 * }</pre>
 */
public final class Plural {
    private Plural() {}

    /** The count with digit grouping and the noun, plural by adding {@code s}. */
    public static String of(long count, String singular) {
        return of(count, singular, singular + "s");
    }

    /** The count with digit grouping and the singular or the plural noun. */
    public static String of(long count, String singular, String plural) {
        return String.format(Locale.ROOT, "%,d %s", count, count == 1 ? singular : plural);
    }
}
