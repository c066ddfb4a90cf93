package dev.runbook.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows one read-only query returned ({@link SqlActions#query}), each a map of column label to value in
 * column order; dates and times come as {@code java.time} values ({@code LocalDate}, {@code LocalDateTime}).
 *
 * <pre>{@code
 * QueryResult r = finance.query("stale rates", "SELECT from_currency, MAX(rate_date) latest FROM currency_rates"
 *         + " GROUP BY from_currency HAVING MAX(rate_date) < ?", LocalDate.of(2026, 12, 5)).read();
 * // 1 row: {from_currency=USD, latest=2026-12-03}
 * }</pre>
 *
 * @param server the server read
 * @param title what the query is for, for people
 * @param columns the column labels, in order
 * @param rows the rows, in order
 */
public record QueryResult(String server, String title, List<String> columns, List<Map<String, Object>> rows) {

    public QueryResult {
        columns = List.copyOf(columns);
        List<Map<String, Object>> copy = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(row))); // values may be null
        }
        rows = Collections.unmodifiableList(copy);
    }

    /** The number of rows. */
    public int size() {
        return rows.size();
    }

    /** Whether the query returned no row. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The first column of the first row (a {@code COUNT(*)}, a {@code MAX(...)}), or null without a row. */
    public Object scalar() {
        return rows.isEmpty() ? null : rows.get(0).get(columns.get(0));
    }

    /**
     * The first column of the first row as a long.
     *
     * @throws IllegalStateException when there is no row or the value is not a number
     */
    public long asLong() {
        Object v = scalar();
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("query '" + title + "' on " + server + " returned "
                    + (rows.isEmpty() ? "no row" : "'" + v + "'") + ", expected a number in its first column");
        }
        return n.longValue();
    }

    /**
     * {@code 2 rows: {a=1, b=x}; {a=2, b=y}} or {@code no rows}, one line (the probe's name says which query);
     * bytes as {@code 0xDEADBEEF}.
     */
    @Override
    public String toString() {
        if (rows.isEmpty()) {
            return "no rows";
        }
        StringBuilder b = new StringBuilder().append(rows.size()).append(rows.size() == 1 ? " row: " : " rows: ");
        for (int i = 0; i < rows.size(); i++) {
            b.append(i == 0 ? "" : "; ").append('{');
            int k = 0;
            for (Map.Entry<String, Object> e : rows.get(i).entrySet()) {
                b.append(k++ == 0 ? "" : ", ").append(e.getKey()).append('=').append(show(e.getValue()));
            }
            b.append('}');
        }
        return b.toString();
    }

    /** A value for people: bytes as {@code 0xDEADBEEF} rather than an array's identity. */
    private static String show(Object v) {
        if (!(v instanceof byte[] bytes)) {
            return String.valueOf(v);
        }
        StringBuilder hex = new StringBuilder("0x");
        for (byte x : bytes) {
            hex.append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xF, 16)))
                    .append(Character.toUpperCase(Character.forDigit(x & 0xF, 16)));
        }
        return hex.toString();
    }
}
