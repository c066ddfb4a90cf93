package dev.runbook.sql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sessions {@link TerminateSessions} ends: every criterion given must hold (AND); a criterion with
 * several values matches any of them. An empty selection matches nothing and is refused.
 *
 * <pre>{@code
 * sql.terminateSessions().idleLongerThan(Duration.ofHours(1)).user("app")   // builds this selection
 * }</pre>
 *
 * @param idleLongerThan idle (or idle in transaction) for at least this long; null for any
 * @param runningLongerThan running one statement for at least this long; null for any
 * @param states states such as {@code idle in transaction} (PostgreSQL) or commands such as {@code Sleep}
 * @param users logins
 * @param databases current databases
 * @param applications {@code application_name} (PostgreSQL) or client host:port (MariaDB/MySQL)
 * @param queryContains text the current or last statement contains (case-insensitive); null for any
 */
public record SessionSelection(
        Duration idleLongerThan,
        Duration runningLongerThan,
        Set<String> states,
        Set<String> users,
        Set<String> databases,
        Set<String> applications,
        String queryContains) {

    public SessionSelection {
        if (idleLongerThan != null && idleLongerThan.isNegative()) {
            throw new IllegalArgumentException("idleLongerThan must be zero or more, was " + idleLongerThan);
        }
        if (runningLongerThan != null && runningLongerThan.isNegative()) {
            throw new IllegalArgumentException("runningLongerThan must be zero or more, was " + runningLongerThan);
        }
        if (queryContains != null && queryContains.isBlank()) {
            throw new IllegalArgumentException("queryContains is blank: it would match every query; give a text");
        }
        states = sorted(states);
        users = sorted(users);
        databases = sorted(databases);
        applications = sorted(applications);
    }

    private static Set<String> sorted(Set<String> s) {
        return s == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(s));
    }

    static SessionSelection none() {
        return new SessionSelection(null, null, Set.of(), Set.of(), Set.of(), Set.of(), null);
    }

    public boolean isEmpty() {
        return idleLongerThan == null
                && runningLongerThan == null
                && states.isEmpty()
                && users.isEmpty()
                && databases.isEmpty()
                && applications.isEmpty()
                && queryContains == null;
    }

    /** Whether the session matches every criterion given. */
    public boolean matches(Session s) {
        if (isEmpty()) {
            return false;
        }
        String state = s.state().toLowerCase(Locale.ROOT);
        boolean idle = state.startsWith("idle") || state.equals("sleep");
        if (idleLongerThan != null && !(idle && s.stateSeconds() >= idleLongerThan.toSeconds())) {
            return false;
        }
        if (runningLongerThan != null && !(s.isActive() && s.stateSeconds() >= runningLongerThan.toSeconds())) {
            return false;
        }
        if (!states.isEmpty() && states.stream().noneMatch(x -> x.equalsIgnoreCase(s.state()))) {
            return false;
        }
        if (!users.isEmpty() && !users.contains(s.user())) {
            return false;
        }
        if (!databases.isEmpty() && !databases.contains(s.database())) {
            return false;
        }
        if (!applications.isEmpty() && !applications.contains(s.application())) {
            return false;
        }
        return queryContains == null
                || s.query().toLowerCase(Locale.ROOT).contains(queryContains.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a session whose state, times and query are hidden ({@link Session#isHidden()}) could match: the
     * criteria on what is shown (user, database, application) do not exclude it.
     */
    boolean mightMatchHidden(Session s) {
        return !isEmpty()
                && (users.isEmpty() || users.contains(s.user()))
                && (databases.isEmpty() || databases.contains(s.database()))
                && (applications.isEmpty() || applications.contains(s.application()));
    }

    SessionSelection with(
            Duration idle, Duration running, Set<String> st, Set<String> u, Set<String> db, Set<String> app, String q) {
        return new SessionSelection(idle, running, st, u, db, app, q);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (idleLongerThan != null) {
            parts.add("idle > " + Session.age(idleLongerThan.toSeconds()));
        }
        if (runningLongerThan != null) {
            parts.add("running > " + Session.age(runningLongerThan.toSeconds()));
        }
        if (!states.isEmpty()) {
            parts.add("state in " + states);
        }
        if (!users.isEmpty()) {
            parts.add("user in " + users);
        }
        if (!databases.isEmpty()) {
            parts.add("database in " + databases);
        }
        if (!applications.isEmpty()) {
            parts.add("application in " + applications);
        }
        if (queryContains != null) {
            parts.add("query contains '" + queryContains + "'");
        }
        return parts.isEmpty() ? "(no criterion)" : String.join(", ", parts);
    }
}
