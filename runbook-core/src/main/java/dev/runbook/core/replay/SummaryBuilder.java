package dev.runbook.core.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Accumulates a {@link ReplaySummary} one decision at a time. Per record it only counts: a run of
 * records from the same origin to the same target (the common case) adds to the counters it found for
 * the previous record, without building map keys.
 */
final class SummaryBuilder {
    private static final int SAMPLES = 10;

    private long scanned;
    private long replayed;
    private long parked;
    private long skipped;
    private long malformed;
    private long bytes;
    private final Map<List<String>, long[]> byOrigin = new LinkedHashMap<>();
    private List<String> lastOrigin;
    private long[] lastOriginCount;
    private String first;
    private String last;
    private Instant earliest;
    private Instant latest;
    private final Set<String> sampleKeys = new LinkedHashSet<>();
    private final Map<String, long[]> targets = new HashMap<>();
    private String lastTarget;
    private long[] lastTargetCount;
    private final List<String> malformedSamples = new ArrayList<>();
    private String stoppedBy;
    private long contended;
    private final List<String> contendedSamples = new ArrayList<>();
    private final Map<Integer, long[]> previousAttempts = new TreeMap<>();
    private int lastAttempts = -1;
    private long[] lastAttemptsCount;

    long sent() {
        return replayed + parked;
    }

    long bytes() {
        return bytes;
    }

    void stoppedBy(String limit) {
        this.stoppedBy = limit;
    }

    /** Counts a record that was to be sent but that the sink could not claim. */
    void contended(DlqRecord<?> r) {
        scanned++;
        contended++;
        if (contendedSamples.size() < SAMPLES) {
            contendedSamples.add(r.position());
        }
    }

    void add(DlqRecord<?> r, ReplayDecision d) {
        scanned++;
        switch (d.kind()) {
            case SKIP -> skipped++;
            case MALFORMED -> {
                malformed++;
                if (malformedSamples.size() < SAMPLES) {
                    malformedSamples.add(r.position() + ": " + r.originProblem());
                }
            }
            case REPLAY, PARK -> addSent(r, d);
        }
    }

    private void addSent(DlqRecord<?> r, ReplayDecision d) {
        if (d.kind() == ReplayDecision.Kind.REPLAY) {
            replayed++;
        } else {
            parked++;
        }
        bytes += r.bytes();
        countAttempts(r.previousAttempts());
        countOrigin(r.origin());
        countTarget(String.valueOf(d.target()));
        if (first == null) {
            first = r.position();
        }
        last = r.position();
        if (earliest == null || r.timestamp().isBefore(earliest)) {
            earliest = r.timestamp();
        }
        if (latest == null || r.timestamp().isAfter(latest)) {
            latest = r.timestamp();
        }
        if (r.key() != null && sampleKeys.size() < SAMPLES) {
            sampleKeys.add(r.key());
        }
    }

    private void countOrigin(DlqOrigin o) {
        String topic = o == null ? "?" : o.topic();
        String group = o == null ? null : o.group();
        String exception = o == null ? null : o.exception();
        if (lastOrigin == null
                || !topic.equals(lastOrigin.get(0))
                || !Objects.equals(group, lastOrigin.get(1))
                || !Objects.equals(exception, lastOrigin.get(2))) {
            lastOrigin = Arrays.asList(topic, group, exception);
            lastOriginCount = byOrigin.computeIfAbsent(lastOrigin, k -> new long[1]);
        }
        lastOriginCount[0]++;
    }

    private void countAttempts(int n) {
        if (n != lastAttempts) {
            lastAttempts = n;
            lastAttemptsCount = previousAttempts.computeIfAbsent(n, k -> new long[1]);
        }
        lastAttemptsCount[0]++;
    }

    private void countTarget(String target) {
        if (!target.equals(lastTarget)) {
            lastTarget = target;
            lastTargetCount = targets.computeIfAbsent(target, k -> new long[1]);
        }
        lastTargetCount[0]++;
    }

    /**
     * Adds another lane's summary: counts, bytes, origins and targets add up, the time range widens, the
     * first position is the earliest lane's first (lanes in the order added), the last the latest's last,
     * samples fill up to ten.
     */
    void add(ReplaySummary s) {
        scanned += s.scanned();
        replayed += s.replayed();
        parked += s.parked();
        skipped += s.skipped();
        malformed += s.malformed();
        contended += s.contended();
        bytes += s.bytes();
        s.previousAttempts().forEach((n, c) -> previousAttempts.computeIfAbsent(n, k -> new long[1])[0] += c);
        lastAttempts = -1;
        for (ReplaySummary.OriginCount o : s.byOrigin()) {
            byOrigin.computeIfAbsent(Arrays.asList(o.topic(), o.group(), o.exception()), k -> new long[1])[0] +=
                    o.count();
        }
        lastOrigin = null;
        s.targets().forEach((t, n) -> targets.computeIfAbsent(t, k -> new long[1])[0] += n);
        lastTarget = null;
        if (first == null) {
            first = s.firstPosition();
        }
        if (s.lastPosition() != null) {
            last = s.lastPosition();
        }
        if (s.earliest() != null && (earliest == null || s.earliest().isBefore(earliest))) {
            earliest = s.earliest();
        }
        if (s.latest() != null && (latest == null || s.latest().isAfter(latest))) {
            latest = s.latest();
        }
        for (String key : s.sampleKeys()) {
            if (sampleKeys.size() < SAMPLES) {
                sampleKeys.add(key);
            }
        }
        for (String sample : s.malformedSamples()) {
            if (malformedSamples.size() < SAMPLES) {
                malformedSamples.add(sample);
            }
        }
        for (String sample : s.contendedSamples()) {
            if (contendedSamples.size() < SAMPLES) {
                contendedSamples.add(sample);
            }
        }
        if (stoppedBy == null) {
            stoppedBy = s.stoppedBy();
        }
    }

    ReplaySummary build() {
        List<ReplaySummary.OriginCount> origins = new ArrayList<>();
        byOrigin.forEach((k, n) -> origins.add(new ReplaySummary.OriginCount(k.get(0), k.get(1), k.get(2), n[0])));
        origins.sort(Comparator.comparingLong(ReplaySummary.OriginCount::count).reversed());
        return new ReplaySummary(
                scanned,
                replayed,
                parked,
                skipped,
                malformed,
                bytes,
                origins,
                first,
                last,
                earliest,
                latest,
                List.copyOf(sampleKeys),
                counts(targets),
                malformedSamples,
                stoppedBy,
                contended,
                contendedSamples,
                attemptCounts());
    }

    private Map<Integer, Long> attemptCounts() {
        Map<Integer, Long> out = new TreeMap<>();
        previousAttempts.forEach((k, n) -> out.put(k, n[0]));
        return out;
    }

    private static Map<String, Long> counts(Map<String, long[]> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, n) -> out.put(k, n[0]));
        return out;
    }
}
