package dev.runbook.notify;

import dev.runbook.core.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is paged, by severity and time since the alert. {@link #seeds()} is the seeds' matrix (seed 000):
 * 0-15 min the on-call investigates, 15 min page the secondary on-call, 30 min the tech lead, 1 h the
 * CTO, 2 h all hands; SEV-1 and SEV-2 escalate through all of it, SEV-3 stays with the on-call ("On-call
 * alone"), SEV-4 pages nobody ("Ticket, normal flow").
 *
 * <pre>{@code
 * EscalationMatrix m = EscalationMatrix.seeds();
 * m.due(Severity.SEV2, Duration.ofMinutes(34));   // [on-call, secondary, tech-lead]
 * m.next(Severity.SEV2, Duration.ofMinutes(34));  // cto at 1h
 * }</pre>
 *
 * @param levels the levels of each severity, each at its time
 */
public record EscalationMatrix(Map<Severity, List<Level>> levels) {

    /**
     * One level: who is paged once {@code after} has passed since the alert.
     *
     * @param level 1 for the first responder
     * @param responder who, such as {@code tech-lead}
     * @param after time since the alert
     */
    public record Level(int level, String responder, Duration after) {
        public Level {
            if (level < 1 || responder == null || responder.isBlank() || after == null || after.isNegative()) {
                throw new IllegalArgumentException("an escalation level needs a number >= 1, a responder and a time"
                        + " >= 0, was " + level + " " + responder + " " + after);
            }
        }
    }

    public EscalationMatrix {
        Map<Severity, List<Level>> copy = new EnumMap<>(Severity.class);
        levels.forEach((sev, ls) -> {
            List<Level> sorted = new ArrayList<>(ls);
            sorted.sort(Comparator.comparing(Level::after));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).level() <= sorted.get(i - 1).level()) {
                    throw new IllegalArgumentException(
                            "the escalation levels of " + sev.label() + " must rise with time: " + sorted);
                }
            }
            copy.put(sev, List.copyOf(sorted));
        });
        levels = java.util.Collections.unmodifiableMap(copy);
    }

    /** The seeds' matrix. */
    public static EscalationMatrix seeds() {
        List<Level> full = List.of(
                new Level(1, "on-call", Duration.ZERO),
                new Level(2, "secondary", Duration.ofMinutes(15)),
                new Level(3, "tech-lead", Duration.ofMinutes(30)),
                new Level(4, "cto", Duration.ofHours(1)),
                new Level(5, "all-hands", Duration.ofHours(2)));
        return new EscalationMatrix(Map.of(
                Severity.SEV1,
                full,
                Severity.SEV2,
                full,
                Severity.SEV3,
                List.of(full.get(0)),
                Severity.SEV4,
                List.of()));
    }

    /** The levels due at {@code elapsed} since the alert, lowest first. */
    public List<Level> due(Severity severity, Duration elapsed) {
        return levels.getOrDefault(severity, List.of()).stream()
                .filter(l -> l.after().compareTo(elapsed) <= 0)
                .toList();
    }

    /** The next level not yet due, if any. */
    public Optional<Level> next(Severity severity, Duration elapsed) {
        return levels.getOrDefault(severity, List.of()).stream()
                .filter(l -> l.after().compareTo(elapsed) > 0)
                .findFirst();
    }
}
