package dev.runbook.trino;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One query as Trino's {@code GET /v1/query} lists it ({@code BasicQueryInfo}): id, state, user, source,
 * the SQL, and the figures a person picks a query to kill by.
 *
 * @param queryId such as {@code 20251207_031500_00042_abcde}
 * @param state QUEUED, WAITING_FOR_RESOURCES, DISPATCHING, PLANNING, STARTING, RUNNING, FINISHING,
 *     FINISHED, FAILED
 * @param user the session user
 * @param source the client's source ({@code superset}, {@code trino-cli}), or empty
 * @param query the SQL text
 * @param elapsed wall time since it was created
 * @param queued time spent queued
 * @param cpu total CPU time
 * @param memoryBytes user memory reserved now
 */
public record TrinoQuery(
        String queryId,
        String state,
        String user,
        String source,
        String query,
        Duration elapsed,
        Duration queued,
        Duration cpu,
        long memoryBytes) {

    private static final Pattern DURATION = Pattern.compile("([0-9.]+)\\s*(ns|us|ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9.]+)\\s*(B|kB|KB|MB|GB|TB|PB)");

    /** Whether Trino can still kill it (not FINISHED or FAILED). */
    public boolean killable() {
        return !("FINISHED".equals(state) || "FAILED".equals(state));
    }

    /** The SQL on one line, at most {@code max} characters. */
    public String abbreviated(int max) {
        String flat = query == null ? "" : query.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max) + "...";
    }

    /** {@code 20251207_..._abcde alice@superset RUNNING 4m12s "SELECT ..."}, for plans. */
    public String line() {
        return queryId + " " + user + (source.isEmpty() ? "" : "@" + source) + " " + state + " " + elapsed.toSeconds()
                + "s \"" + abbreviated(60) + "\"";
    }

    /** Reads one entry of {@code /v1/query} or the top of {@code /v1/query/{id}}. */
    static TrinoQuery of(JsonNode n) {
        JsonNode session = n.path("session");
        JsonNode stats = n.path("queryStats");
        return new TrinoQuery(
                n.path("queryId").asText(),
                n.path("state").asText(),
                session.path("user").asText(""),
                session.path("source").asText(""),
                n.path("query").asText(""),
                duration(stats.path("elapsedTime").asText("0s")),
                duration(stats.path("queuedTime").asText("0s")),
                duration(stats.path("totalCpuTime").asText("0s")),
                bytes(stats.path("userMemoryReservation").asText("0B")));
    }

    /** Airlift's duration text ({@code 1.50m}, {@code 12.34ms}) as a Duration. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Duration.ZERO;
        }
        double v = Double.parseDouble(m.group(1));
        double nanos = v
                * switch (m.group(2)) {
                    case "ns" -> 1;
                    case "us" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    case "h" -> 3600e9;
                    default -> 86400e9;
                };
        return Duration.ofNanos((long) nanos);
    }

    /** Airlift's data size text ({@code 1.5MB}, {@code 512B}) in bytes. */
    static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return 0;
        }
        double v = Double.parseDouble(m.group(1));
        int power = java.util.List.of("B", "KB", "MB", "GB", "TB", "PB")
                .indexOf(m.group(2).toUpperCase(Locale.ROOT));
        return (long) (v * Math.pow(1024, Math.max(power, 0)));
    }
}
