package dev.runbook.sql;

/** PostgreSQL WAL positions ({@code 16/B374D848}) as numbers, to subtract and compare. */
final class Lsn {
    private Lsn() {}

    static long parse(String lsn) {
        if (lsn == null) {
            throw new IllegalArgumentException("no LSN");
        }
        int slash = lsn.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: '" + lsn + "'");
        }
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /** {@code a - b} in bytes (0 when either is unknown or b is ahead). */
    static long diff(String a, String b) {
        if (a == null || b == null) {
            return 0;
        }
        return Math.max(0, parse(a) - parse(b));
    }
}
