package dev.runbook.sql;

import java.time.Duration;
import java.util.Locale;

/**
 * One server session as {@code pg_stat_activity} or the process list shows it.
 *
 * <pre>{@code
 * for (Session s : sql.longRunningQueries(Duration.ofMinutes(5)).read()) System.out.println(s);
 * // pid 4242 app@orders active 7m12s [psql] UPDATE orders SET ...
 * }</pre>
 *
 * @param id the backend pid (PostgreSQL) or connection id (MariaDB/MySQL)
 * @param started what tells this session from a later one with the same id: PostgreSQL's {@code
 *     backend_start}; on MariaDB/MySQL the client's host:port (connection ids are never reused while the
 *     server runs), so that a reused pid is never mistaken for the session a plan listed
 * @param user the login
 * @param database the current database (may be empty)
 * @param application {@code application_name} (PostgreSQL) or the client host:port (MariaDB/MySQL)
 * @param state {@code active}, {@code idle}, {@code idle in transaction} (PostgreSQL) or the command
 *     ({@code Query}, {@code Sleep}) on MariaDB/MySQL
 * @param kind {@code client}, {@code replication}, {@code background}, or {@code hidden}: another user's client
 *     session on PostgreSQL that {@code pg_stat_activity} shows without state, times or query to a user who
 *     lacks {@code pg_read_all_stats}
 * @param stateSeconds seconds in the current state (idle time, or how long the query has run)
 * @param transactionSeconds seconds since the open transaction began (PostgreSQL; -1 when none or unknown)
 * @param query the current or last statement, abbreviated to 2,000 characters
 * @param self whether this is the session the library itself is using
 */
public record Session(
        long id,
        String started,
        String user,
        String database,
        String application,
        String state,
        String kind,
        long stateSeconds,
        long transactionSeconds,
        String query,
        boolean self) {

    public Session {
        user = user == null ? "" : user;
        database = database == null ? "" : database;
        application = application == null ? "" : application;
        state = state == null ? "" : state;
        query = query == null ? "" : query;
    }

    /** The identity an apply re-checks: the id and the start together. */
    public String identity() {
        return id + "@" + started;
    }

    public boolean isClient() {
        return "client".equals(kind);
    }

    /** Whether this is another user's client session whose state and query the reading user may not see. */
    public boolean isHidden() {
        return "hidden".equals(kind);
    }

    /** Whether the session is running a statement (PostgreSQL {@code active}, MariaDB {@code Query}). */
    public boolean isActive() {
        String s = state.toLowerCase(Locale.ROOT);
        return s.equals("active") || s.equals("query") || s.equals("execute");
    }

    /** Whether the session is idle (PostgreSQL {@code idle}, MariaDB {@code Sleep}). */
    public boolean isIdle() {
        String s = state.toLowerCase(Locale.ROOT);
        return s.equals("idle") || s.equals("sleep");
    }

    /** The query on one line, cut to {@code max} characters. */
    public String shortQuery(int max) {
        String q = query.replaceAll("\\s+", " ").trim();
        return q.length() <= max ? q : q.substring(0, Math.max(0, max - 3)) + "...";
    }

    static String age(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        Duration d = Duration.ofSeconds(seconds);
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return seconds + "s";
    }

    @Override
    public String toString() {
        return "pid " + id + " " + user + "@" + database + " " + state + " " + age(stateSeconds)
                + (application.isEmpty() ? "" : " [" + application + "]") + (self ? " (this session)" : "")
                + (query.isEmpty() ? "" : " " + shortQuery(80));
    }
}
