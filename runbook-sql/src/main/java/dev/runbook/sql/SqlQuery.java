package dev.runbook.sql;

import dev.runbook.core.Endpoint;
import dev.runbook.core.Probe;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One read-only SQL statement as a probe, for the checks a runbook reads from an application's own tables
 * (a reconciliation report, stale rates, rows without their counterpart). Its values are bound with
 * {@code ?}, never pasted into the text; it runs in a {@code READ ONLY} transaction (so the server refuses
 * any write, a data-modifying CTE or function included; on MariaDB/MySQL, whose DDL commits first, the
 * session is read-only while it runs) that is always rolled back, under a statement
 * timeout, and refuses rather than truncates a result over its row cap.
 *
 * <pre>{@code
 * Probe<QueryResult> off = finance.query("wallets out of tolerance",
 *         "SELECT partner_id, diff_amount FROM wallet_reconciliation WHERE recon_date = ? AND ABS(diff_amount) > ?",
 *         LocalDate.of(2026, 12, 6), new BigDecimal("100000")).maxRows(100);
 * off.read();   // 1 row: {partner_id=P-017, diff_amount=250000.00}
 * }</pre>
 *
 * <p>Only one statement that reads ({@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE}, {@code SHOW},
 * {@code EXPLAIN}): a second one, even behind a comment or a quote, is refused (it could end the read-only
 * transaction), and so are functions whose effect the transaction does not stop ({@code
 * pg_terminate_backend}, {@code pg_advisory_lock}, {@code GET_LOCK}, {@code INTO OUTFILE}, ...); see
 * {@link StatementText}. A final {@code ;} and comments are fine. Values: {@code String}, numbers, {@code
 * Boolean}, {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime}, {@code LocalTime}, {@code
 * Instant}, {@code UUID}, {@code byte[]}, or null. Rows hold {@code java.time} values ({@code timestamptz}
 * as {@code OffsetDateTime}), arrays as lists, and json, interval and the like as text.
 *
 * @throws RefusedException from {@link #read()} when the server rejects the statement (an unknown table or
 *     column, which its message names; a write) or it returns more rows than {@link #maxRows(int)}
 * @throws TargetUnavailableException from {@link #read()} when the server does not answer, or the
 *     statement runs longer than {@link #timeout(Duration)}
 */
public final class SqlQuery implements Probe<QueryResult> {
    static final int DEFAULT_MAX_ROWS = 1_000;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<Class<?>> VALUE_TYPES = Set.of(
            String.class,
            Integer.class,
            Long.class,
            Short.class,
            Double.class,
            Float.class,
            BigDecimal.class,
            BigInteger.class,
            Boolean.class,
            LocalDate.class,
            LocalDateTime.class,
            LocalTime.class,
            OffsetDateTime.class,
            Instant.class,
            UUID.class,
            byte[].class);

    private final SqlTarget target;
    private final String title;
    private final String sql;
    private final List<Object> params;
    private final int maxRows;
    private final Duration timeout;

    static SqlQuery of(SqlTarget target, String title, String sql, Object... params) {
        return new SqlQuery(
                target,
                checkedTitle(title),
                StatementText.check(sql),
                checkedParams(params),
                DEFAULT_MAX_ROWS,
                DEFAULT_TIMEOUT);
    }

    private SqlQuery(SqlTarget target, String title, String sql, List<Object> params, int maxRows, Duration timeout) {
        this.target = target;
        this.title = title;
        this.sql = sql;
        this.params = params;
        this.maxRows = maxRows;
        this.timeout = timeout;
    }

    /** Same, refusing a result of more than {@code n} rows (default 1,000; the result is never cut). */
    public SqlQuery maxRows(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, was " + n);
        }
        return new SqlQuery(target, title, sql, params, n, timeout);
    }

    /** Same, with the server cancelling the statement after {@code timeout} (whole seconds, default 10 s). */
    public SqlQuery timeout(Duration timeout) {
        if (timeout == null || timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("timeout must be at least one second, was " + timeout);
        }
        return new SqlQuery(target, title, sql, params, maxRows, timeout);
    }

    /** The statement, with {@code ?} where the values go. */
    public String sql() {
        return sql;
    }

    /** The values bound to the {@code ?}, in order. */
    public List<Object> params() {
        return params;
    }

    @Override
    public String name() {
        return target.name() + " " + title;
    }

    @Override
    public Optional<Endpoint> endpoint() {
        return Optional.of(target.endpoint());
    }

    @Override
    public QueryResult read() {
        String what = "run query '" + title + "'";
        Dialect d = target.dialect();
        return target.call(what, timeout.plusSeconds(5), c -> {
            boolean autoCommit = c.getAutoCommit();
            // MariaDB/MySQL commit before DDL and run it outside the transaction: there the session is made
            // read-only (and put back); PostgreSQL's DDL is transactional, so the transaction is enough.
            String sessionReadOnly = d.isPostgres()
                    ? null
                    : SqlTarget.scalar(
                            c,
                            d.engine() == Engine.MYSQL
                                    ? "SELECT @@session.transaction_read_only"
                                    : "SELECT @@session.tx_read_only");
            c.setAutoCommit(false);
            try {
                SqlTarget.execute(
                        c, d.isPostgres() ? "SET TRANSACTION READ ONLY" : "SET SESSION TRANSACTION READ ONLY");
                return run(c, d.isPostgres());
            } catch (SQLTimeoutException e) {
                throw tooSlow(e);
            } catch (SQLException e) {
                if ("57014".equals(e.getSQLState()) || "70100".equals(e.getSQLState())) {
                    throw tooSlow(e); // PostgreSQL's cancel, MariaDB's max_statement_time
                }
                if ("25006".equals(e.getSQLState()) || e.getErrorCode() == 1792) {
                    throw new RefusedException(
                            target.name() + " refused a write in query '" + title + "' (" + e.getMessage()
                                    + "): SqlActions.query runs in a READ ONLY transaction and only reads;"
                                    + " make the change with an action",
                            e);
                }
                throw e;
            } finally {
                try {
                    c.rollback();
                    if ("0".equals(sessionReadOnly)) {
                        SqlTarget.execute(c, "SET SESSION TRANSACTION READ WRITE");
                    }
                    c.setAutoCommit(autoCommit);
                } catch (SQLException e) {
                    // a broken connection: the pool drops it, and the statement's own error is the one to report
                }
            }
        });
    }

    private QueryResult run(Connection c, boolean postgres) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
            ps.setMaxRows(maxRows + 1);
            for (int i = 0; i < params.size(); i++) {
                bind(ps, i + 1, params.get(i), postgres);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i));
                }
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    if (rows.size() == maxRows) {
                        throw new RefusedException("query '" + title + "' on " + target.name()
                                + " returned more than maxRows " + maxRows + " rows; narrow it (WHERE, LIMIT)"
                                + " or raise .maxRows(n)");
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        row.put(columns.get(i - 1), column(rs, md, i, postgres));
                    }
                    rows.add(row);
                }
                return new QueryResult(target.name(), title, columns, rows);
            }
        }
    }

    private TargetUnavailableException tooSlow(SQLException e) {
        return new TargetUnavailableException(
                "query '" + title + "' on " + target.name() + " did not finish within its timeout of "
                        + timeout.toSeconds() + " s and was cancelled (" + e.getMessage() + "); narrow it, check"
                        + " the server's load, or raise .timeout(...)",
                e,
                true);
    }

    /** A value as the server's type wants it: a UUID as text on MariaDB/MySQL, an Instant at UTC. */
    private static void bind(PreparedStatement ps, int i, Object v, boolean postgres) throws SQLException {
        if (v instanceof UUID u && !postgres) {
            ps.setString(i, u.toString());
        } else if (v instanceof Instant t) {
            ps.setObject(i, t.atOffset(ZoneOffset.UTC));
        } else {
            ps.setObject(i, v);
        }
    }

    /**
     * Column {@code i} of the current row as a value that means the same in any JVM: dates and times through
     * {@code java.time} (the driver's {@code java.sql} types shift them into the JVM's time zone, drop
     * fractions of a second and miscount dates before 1582), {@code timestamptz} as an {@code
     * OffsetDateTime}, arrays as lists, the drivers' own types (json, interval, inet) as their text.
     *
     * @throws RefusedException for a MariaDB/MySQL {@code TIME} that is not a time of day (negative, 24 h or
     *     more): no {@code LocalTime} holds it, so the query is asked to convert it
     */
    private Object column(ResultSet rs, ResultSetMetaData md, int i, boolean postgres) throws SQLException {
        int type = md.getColumnType(i);
        String typeName = String.valueOf(md.getColumnTypeName(i)).toLowerCase(Locale.ROOT);
        switch (type) {
            case Types.DATE:
                if (typeName.equals("year")) {
                    int year = rs.getInt(i);
                    return rs.wasNull() ? null : year;
                }
                return rs.getObject(i, LocalDate.class);
            case Types.TIMESTAMP:
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return type == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equals("timestamptz")
                        ? rs.getObject(i, OffsetDateTime.class)
                        : rs.getObject(i, LocalDateTime.class);
            case Types.TIME:
            case Types.TIME_WITH_TIMEZONE:
                if (type == Types.TIME_WITH_TIMEZONE || typeName.equals("timetz")) {
                    return rs.getObject(i, OffsetTime.class);
                }
                if (postgres) {
                    return rs.getObject(i, LocalTime.class);
                }
                String text = rs.getString(i);
                try {
                    return text == null ? null : LocalTime.parse(text);
                } catch (DateTimeParseException e) {
                    throw new RefusedException("query '" + title + "' on " + target.name() + " returned TIME '" + text
                            + "' in column " + md.getColumnLabel(i) + ", which is no time of day; select it as"
                            + " TIME_TO_SEC(...) or CAST(... AS CHAR)");
                }
            case Types.ARRAY:
                java.sql.Array a = rs.getArray(i);
                if (a == null) {
                    return null;
                }
                List<Object> list = new ArrayList<>();
                for (Object o : (Object[]) a.getArray()) {
                    list.add(value(o));
                }
                return java.util.Collections.unmodifiableList(list);
            default:
                Object v = rs.getObject(i);
                return v == null
                                || v instanceof byte[]
                                || v.getClass().getName().startsWith("java.")
                        ? value(v)
                        : rs.getString(i);
        }
    }

    /** JDBC's date and time types as java.time values; the rest as the driver gives them. */
    static Object value(Object v) {
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        return v;
    }

    private static String checkedTitle(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("name what the query is for, such as \"wallets out of tolerance\"");
        }
        return title;
    }

    private static List<Object> checkedParams(Object... params) {
        if (params == null) {
            return List.of();
        }
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p != null && !VALUE_TYPES.contains(p.getClass())) {
                throw new IllegalArgumentException("value " + (i + 1) + " of the query is a "
                        + p.getClass().getName() + "; bind a String, a number, a Boolean, a LocalDate,"
                        + " LocalDateTime, LocalTime, OffsetDateTime, Instant, UUID or byte[]");
            }
        }
        return java.util.Collections.unmodifiableList(Arrays.asList(params.clone()));
    }

    @Override
    public String toString() {
        return "SqlQuery[" + name() + ": " + sql + (params.isEmpty() ? "" : " with " + params) + "]";
    }
}
