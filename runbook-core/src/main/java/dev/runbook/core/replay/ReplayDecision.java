package dev.runbook.core.replay;

/**
 * What the replay does with one dead letter, decided by {@link ReplaySelection#decide}.
 *
 * <pre>{@code
 * ReplayDecision d = selection.decide(record);
 * if (d.kind() == ReplayDecision.Kind.REPLAY) sink.send(record, d);
 * }</pre>
 *
 * @param kind replay, park, skip (filtered out) or malformed (origin unreadable)
 * @param target where it goes (the original topic, a mapped or explicit target, the parking target), or
 *     null for skipped and malformed records, or for parking when no parking target is set
 * @param attempt the attempt number the sent copy carries (previous attempts + 1)
 * @param reason why, in a few words (for skip, park and malformed)
 */
public record ReplayDecision(Kind kind, String target, int attempt, String reason) {

    /** The four ways a dead letter is handled. */
    public enum Kind {
        /** Sent to its target. */
        REPLAY,
        /** Sent to the parking target: it failed too often. */
        PARK,
        /** Left alone: the selection's filters exclude it. */
        SKIP,
        /** Its origin headers are missing or malformed and no explicit target was given. */
        MALFORMED
    }

    /** Whether the record is sent somewhere (replayed or parked). */
    public boolean sends() {
        return kind == Kind.REPLAY || kind == Kind.PARK;
    }
}
