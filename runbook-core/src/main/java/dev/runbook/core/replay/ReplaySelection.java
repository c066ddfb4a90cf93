package dev.runbook.core.replay;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which dead letters a replay takes and where they go: filters (original topic, group, exception class,
 * time window, key), limits (records, bytes, rate), the attempt limit with its parking target, and what
 * to do with records whose origin is unreadable. Immutable; serialises into plans.
 *
 * <pre>{@code
 * ReplaySelection sel = ReplaySelection.builder()
 *     .originalTopic("orders").exception("java.net.SocketTimeoutException")
 *     .maxRecords(10_000).maxRate(500).maxAttempts(3).parkingTarget("orders-parking")
 *     .build();
 * }</pre>
 *
 * @param originalTopics only records from these original topics (empty: all)
 * @param originalGroups only records a consumer group in this set failed on (empty: all)
 * @param exceptions only records whose cause or exception class is one of these, by full or simple name
 * @param from only records that entered the DLQ at or after this instant, or null
 * @param until only records that entered the DLQ before this instant, or null
 * @param keys only records with one of these keys (empty: all)
 * @param target an explicit target for every record, or null to use the origin (and {@code targetMapping})
 * @param targetMapping original topic to target, for origins that should not go back where they came from
 * @param maxRecords at most this many records sent (replayed plus parked)
 * @param maxBytes at most this many key plus value bytes sent
 * @param maxRate at most this many records sent per second, or 0 for no limit
 * @param maxAttempts records already replayed this many times are parked instead
 * @param parkingTarget where parked records go, or null (then a record to park refuses the plan)
 * @param onMalformed what to do with records whose origin cannot be decoded
 */
public record ReplaySelection(
        Set<String> originalTopics,
        Set<String> originalGroups,
        Set<String> exceptions,
        Instant from,
        Instant until,
        Set<String> keys,
        String target,
        Map<String, String> targetMapping,
        long maxRecords,
        long maxBytes,
        double maxRate,
        int maxAttempts,
        String parkingTarget,
        MalformedPolicy onMalformed) {

    /** Attempts before parking when the caller does not choose. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Whether {@code maxRecords}, {@code maxBytes} or {@code maxRate} limits the replay. */
    public boolean hasLimits() {
        return maxRecords != Long.MAX_VALUE || maxBytes != Long.MAX_VALUE || maxRate > 0;
    }

    public ReplaySelection {
        originalTopics = Set.copyOf(originalTopics == null ? Set.of() : originalTopics);
        originalGroups = Set.copyOf(originalGroups == null ? Set.of() : originalGroups);
        exceptions = Set.copyOf(exceptions == null ? Set.of() : exceptions);
        keys = Set.copyOf(keys == null ? Set.of() : keys);
        targetMapping = Map.copyOf(targetMapping == null ? Map.of() : targetMapping);
        onMalformed = onMalformed == null ? MalformedPolicy.REFUSE : onMalformed;
        if (maxRecords <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxRecords and maxBytes must be > 0, were " + maxRecords + " and " + maxBytes);
        }
        if (maxRate < 0 || Double.isNaN(maxRate) || Double.isInfinite(maxRate)) {
            throw new IllegalArgumentException("maxRate must be >= 0 records/s (0: no limit), was " + maxRate);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        if (from != null && until != null && !from.isBefore(until)) {
            throw new IllegalArgumentException("time window is empty: from " + from + " is not before until " + until);
        }
        if (target != null && target.isBlank()) {
            throw new IllegalArgumentException("target must not be blank; leave it unset to use the origin");
        }
        if (target != null && !targetMapping.isEmpty()) {
            throw new IllegalStateException("set either an explicit target (" + target + ") or a target mapping "
                    + targetMapping + ", not both");
        }
        if (onMalformed == MalformedPolicy.PARK && parkingTarget == null) {
            throw new IllegalStateException("onMalformed(PARK) needs a parkingTarget(...)");
        }
    }

    /** Everything, to the origin, default limits. */
    public static ReplaySelection all() {
        return builder().build();
    }

    /** Starts a selection. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the target depends on the records' origin headers. */
    @JsonIgnore
    public boolean targetFromOrigin() {
        return target == null;
    }

    /**
     * Decides what to do with {@code record}: malformed (no origin and nothing to route by), skip
     * (filtered), park (too many attempts) or replay.
     */
    public ReplayDecision decide(DlqRecord<?> record) {
        int attempt = record.previousAttempts() + 1;
        boolean needsOrigin =
                targetFromOrigin() || !originalTopics.isEmpty() || !originalGroups.isEmpty() || !exceptions.isEmpty();
        if (!record.hasOrigin() && needsOrigin) {
            if (onMalformed == MalformedPolicy.PARK) {
                return new ReplayDecision(
                        ReplayDecision.Kind.PARK, parkingTarget, attempt, "origin " + record.originProblem());
            }
            return new ReplayDecision(ReplayDecision.Kind.MALFORMED, null, attempt, record.originProblem());
        }
        String excluded = excludedBy(record);
        if (excluded != null) {
            return new ReplayDecision(ReplayDecision.Kind.SKIP, null, attempt, excluded);
        }
        if (record.previousAttempts() >= maxAttempts) {
            return new ReplayDecision(
                    ReplayDecision.Kind.PARK,
                    parkingTarget,
                    attempt,
                    "replayed " + record.previousAttempts() + " times already (maxAttempts " + maxAttempts + ")");
        }
        String to = target != null
                ? target
                : targetMapping.getOrDefault(
                        record.origin().topic(), record.origin().topic());
        return new ReplayDecision(ReplayDecision.Kind.REPLAY, to, attempt, null);
    }

    private String excludedBy(DlqRecord<?> r) {
        DlqOrigin o = r.origin();
        if (!originalTopics.isEmpty() && !originalTopics.contains(o.topic())) {
            return "original topic '" + o.topic() + "' not selected";
        }
        if (!originalGroups.isEmpty() && (o.group() == null || !originalGroups.contains(o.group()))) {
            return "original group '" + o.group() + "' not selected";
        }
        if (!exceptions.isEmpty() && !matchesClass(o.causeClass()) && !matchesClass(o.exceptionClass())) {
            return "exception '" + o.exception() + "' not selected";
        }
        if (from != null && r.timestamp().isBefore(from)) {
            return "before " + from;
        }
        if (until != null && !r.timestamp().isBefore(until)) {
            return "at or after " + until;
        }
        if (!keys.isEmpty() && (r.key() == null || !keys.contains(r.key()))) {
            return "key not selected";
        }
        return null;
    }

    private boolean matchesClass(String className) {
        if (className == null) {
            return false;
        }
        for (String wanted : exceptions) {
            if (className.equals(wanted) || className.endsWith("." + wanted) || className.endsWith("$" + wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link ReplaySelection}. */
    public static final class Builder {
        private final Set<String> originalTopics = new TreeSet<>();
        private final Set<String> originalGroups = new TreeSet<>();
        private final Set<String> exceptions = new TreeSet<>();
        private final Set<String> keys = new TreeSet<>();
        private final Map<String, String> targetMapping = new LinkedHashMap<>();
        private Instant from;
        private Instant until;
        private String target;
        private long maxRecords = Long.MAX_VALUE;
        private long maxBytes = Long.MAX_VALUE;
        private double maxRate;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private String parkingTarget;
        private MalformedPolicy onMalformed = MalformedPolicy.REFUSE;

        private Builder() {}

        public Builder originalTopic(String... topics) {
            originalTopics.addAll(nonBlank("original topic", topics));
            return this;
        }

        public Builder originalGroup(String... groups) {
            originalGroups.addAll(nonBlank("original group", groups));
            return this;
        }

        /** Exception class, full ({@code java.net.SocketTimeoutException}) or simple name; cause first. */
        public Builder exception(String... classNames) {
            exceptions.addAll(nonBlank("exception class", classNames));
            return this;
        }

        public Builder key(String... wanted) {
            keys.addAll(Set.of(wanted));
            return this;
        }

        /** Records that entered the DLQ in [from, until); either may be null. */
        public Builder window(Instant from, Instant until) {
            this.from = from;
            this.until = until;
            return this;
        }

        /** Sends every record to {@code target}, whatever its origin says. */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /** Sends records from {@code originalTopic} to {@code target} instead. */
        public Builder mapTarget(String originalTopic, String target) {
            targetMapping.put(
                    nonBlank("original topic", originalTopic).iterator().next(), target);
            return this;
        }

        public Builder maxRecords(long n) {
            this.maxRecords = n;
            return this;
        }

        public Builder maxBytes(long n) {
            this.maxBytes = n;
            return this;
        }

        public Builder maxRate(double recordsPerSecond) {
            this.maxRate = recordsPerSecond;
            return this;
        }

        public Builder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        public Builder parkingTarget(String parkingTarget) {
            this.parkingTarget = parkingTarget;
            return this;
        }

        public Builder onMalformed(MalformedPolicy policy) {
            this.onMalformed = policy;
            return this;
        }

        public ReplaySelection build() {
            return new ReplaySelection(
                    originalTopics,
                    originalGroups,
                    exceptions,
                    from,
                    until,
                    keys,
                    target,
                    targetMapping,
                    maxRecords,
                    maxBytes,
                    maxRate,
                    maxAttempts,
                    parkingTarget,
                    onMalformed);
        }

        private static Set<String> nonBlank(String what, String... values) {
            Set<String> out = new TreeSet<>();
            for (String v : values) {
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException(what + " must not be blank");
                }
                out.add(v);
            }
            return out;
        }
    }
}
