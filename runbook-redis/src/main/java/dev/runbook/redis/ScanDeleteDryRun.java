package dev.runbook.redis;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link ScanDeleteByPattern} dry run shows: the exact count, a sample of keys, type and TTL
 * histograms and memory from a sample of {@code sampled} keys (scaled to the count), the protected keys
 * that match and are kept, and the time it takes at the configured rate.
 *
 * <pre>{@code
 * ScanDeleteDryRun dry = plan.details(ScanDeleteDryRun.class);
 * dry.matching();   // 1000000
 * }</pre>
 *
 * @param matching exact number of unprotected matching keys
 * @param sampleKeys the first few matching keys
 * @param sampled how many keys the histograms and memory figure come from
 * @param typeHistogram key type to keys, in the sample
 * @param ttlHistogram TTL bucket to keys, in the sample
 * @param expiringAnyway estimated matching keys with a TTL (they would expire anyway)
 * @param estimatedBytes estimated memory freed, from sampled {@code MEMORY USAGE}
 * @param protectedMatched protected keys that match the pattern and are kept
 * @param protectedSample a few of them
 * @param rate keys per second, 0 for unthrottled
 * @param estimatedDuration at that rate, or "unthrottled"
 * @param commands what is sent to the server
 */
public record ScanDeleteDryRun(
        long matching,
        List<String> sampleKeys,
        int sampled,
        Map<String, Long> typeHistogram,
        Map<String, Long> ttlHistogram,
        long expiringAnyway,
        long estimatedBytes,
        long protectedMatched,
        List<String> protectedSample,
        double rate,
        String estimatedDuration,
        String commands) {

    public ScanDeleteDryRun {
        sampleKeys = List.copyOf(sampleKeys);
        typeHistogram = Map.copyOf(typeHistogram);
        ttlHistogram = Map.copyOf(ttlHistogram);
        protectedSample = List.copyOf(protectedSample);
    }

    /** Bytes for people: {@code 1.5 GB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Seconds for people: {@code 20 s}, {@code 3 min 20 s}. */
    static String duration(double seconds) {
        long s = Math.round(Math.ceil(seconds));
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }
}
