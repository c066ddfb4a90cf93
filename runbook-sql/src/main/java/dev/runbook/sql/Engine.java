package dev.runbook.sql;

/**
 * The database engines {@link SqlActions} speaks to. MySQL and MariaDB share the wire protocol and most
 * statements; where they differ (replica status, skip counter, GTID) the {@link Dialect} picks.
 *
 * <pre>{@code
 * if (sql.dialect().engine() == Engine.POSTGRESQL) { ... }
 * }</pre>
 */
public enum Engine {
    POSTGRESQL,
    MARIADB,
    MYSQL
}
