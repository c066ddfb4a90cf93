package dev.runbook.sql;

import java.util.Locale;
import java.util.Map;

/**
 * Connections in use against the server's limit, and who holds them: the seed's "connection count" and
 * connection-saturation checks.
 *
 * <pre>{@code
 * ConnectionSaturation s = sql.connectionSaturation().read();
 * // 57 of 100 connections (57%), by user {app=50, postgres=7}, by state {idle=41, active=9, ...}
 * }</pre>
 *
 * @param server the server read
 * @param used client connections open now (background and replication sessions not counted)
 * @param max {@code max_connections}
 * @param reserved connections kept for superusers ({@code superuser_reserved_connections}; 1 on
 *     MariaDB/MySQL, which keep one for SUPER)
 * @param byUser client connections per user
 * @param byState client connections per state ({@code idle}, {@code active}, {@code idle in transaction};
 *     the command on MariaDB/MySQL)
 */
public record ConnectionSaturation(
        String server, long used, long max, long reserved, Map<String, Long> byUser, Map<String, Long> byState) {

    public ConnectionSaturation {
        byUser = Map.copyOf(byUser);
        byState = Map.copyOf(byState);
    }

    /** {@code used / (max - reserved)}: 1.0 means ordinary users can no longer connect. */
    public double ratio() {
        long usable = Math.max(1, max - reserved);
        return (double) used / usable;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: %d of %d connections (%.0f%% of the %d ordinary users can use), by user %s, by state %s",
                server,
                used,
                max,
                ratio() * 100,
                max - reserved,
                new java.util.TreeMap<>(byUser),
                new java.util.TreeMap<>(byState));
    }
}
