package dev.runbook.mongo;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which DLQ events a replay takes, besides their status: event types, a time window on the failure time,
 * and a regular expression on the error text. Each becomes part of the query the server runs (and of the
 * plan, as the exact filter document).
 *
 * <pre>{@code
 * new DlqFilter(Set.of("inside.payment.succeeded"), from, until, "timeout|503")
 * }</pre>
 *
 * @param eventTypes only these event types (empty: all)
 * @param from only events that failed at or after this instant, or null
 * @param until only events that failed before this instant, or null
 * @param errorPattern only events whose error text matches this regular expression, or null
 */
public record DlqFilter(Set<String> eventTypes, Instant from, Instant until, String errorPattern) {

    public DlqFilter {
        eventTypes = Set.copyOf(new TreeSet<>(eventTypes == null ? Set.of() : eventTypes));
        for (String t : eventTypes) {
            if (t.isBlank()) {
                throw new IllegalArgumentException("an event type must not be blank");
            }
        }
        if (from != null && until != null && !from.isBefore(until)) {
            throw new IllegalArgumentException("time window is empty: from " + from + " is not before until " + until);
        }
        if (errorPattern != null) {
            if (errorPattern.isEmpty()) {
                throw new IllegalArgumentException("error pattern is empty; leave it unset to take every error");
            }
            try {
                Pattern.compile(errorPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "error pattern '" + errorPattern + "' is not a regular expression: " + e.getDescription(), e);
            }
        }
    }

    /** Every event in the DLQ. */
    public static DlqFilter all() {
        return new DlqFilter(Set.of(), null, null, null);
    }

    /** Whether nothing but the status selects the events. */
    public boolean isEmpty() {
        return eventTypes.isEmpty() && from == null && until == null && errorPattern == null;
    }
}
