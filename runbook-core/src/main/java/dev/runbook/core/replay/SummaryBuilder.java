package dev.runbook.core.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Accumulates a {@link ReplaySummary} one decision at a time. */
final class SummaryBuilder {
    private static final int SAMPLES = 10;

    private long scanned;
    private long replayed;
    private long parked;
    private long skipped;
    private long malformed;
    private long bytes;
    private final Map<List<String>, Long> byOrigin = new LinkedHashMap<>();
    private String first;
    private String last;
    private Instant earliest;
    private Instant latest;
    private final Set<String> sampleKeys = new LinkedHashSet<>();
    private final Map<String, Long> targets = new TreeMap<>();
    private final List<String> malformedSamples = new ArrayList<>();
    private String stoppedBy;

    long sent() {
        return replayed + parked;
    }

    long bytes() {
        return bytes;
    }

    void stoppedBy(String limit) {
        this.stoppedBy = limit;
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
        DlqOrigin o = r.origin();
        List<String> originKey = o == null
                ? java.util.Arrays.asList("?", null, null)
                : java.util.Arrays.asList(o.topic(), o.group(), o.exception());
        byOrigin.merge(originKey, 1L, Long::sum);
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
        targets.merge(String.valueOf(d.target()), 1L, Long::sum);
    }

    ReplaySummary build() {
        List<ReplaySummary.OriginCount> origins = new ArrayList<>();
        byOrigin.forEach((k, n) -> origins.add(new ReplaySummary.OriginCount(k.get(0), k.get(1), k.get(2), n)));
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
                targets,
                malformedSamples,
                stoppedBy);
    }
}
