package dev.runbook.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a {@link ScanDeleteByPattern}, as its plan records them.
 *
 * <pre>{@code
 * redis.scanDelete("cache:*").count(2000).settings();   // ScanDeleteSettings[pattern=cache:*, count=2000, ...]
 * }</pre>
 *
 * @param pattern the SCAN MATCH pattern
 * @param count keys per SCAN call
 * @param type the SCAN TYPE filter, or null for every type
 * @param del DEL instead of UNLINK
 * @param minPrefix the shortest literal prefix accepted
 * @param allowShortPrefix accept a shorter prefix
 * @param protect the action's own protected globs
 * @param maxKeys refuse to plan when more keys match
 * @param allowGrowth keys created after the plan that apply may also delete
 * @param rate keys per second, 0 for unthrottled
 * @param sampleSize keys inspected by the dry run
 * @param recountFirst re-count (read-only) before deleting, to refuse a grown set up front
 */
public record ScanDeleteSettings(
        String pattern,
        int count,
        String type,
        boolean del,
        int minPrefix,
        boolean allowShortPrefix,
        List<String> protect,
        long maxKeys,
        long allowGrowth,
        double rate,
        int sampleSize,
        boolean recountFirst) {

    public ScanDeleteSettings {
        protect = List.copyOf(protect);
    }

    static ScanDeleteSettings defaults(String pattern) {
        return new ScanDeleteSettings(pattern, 1000, null, false, 4, false, List.of(), 1_000_000, 0, 0, 1000, false);
    }

    ScanDeleteSettings withCount(int v) {
        return new ScanDeleteSettings(
                pattern,
                v,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withType(String v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                v,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withDel(boolean v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                v,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withMinPrefix(int v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                v,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withAllowShort(boolean v) {
        return new ScanDeleteSettings(
                pattern, count, type, del, minPrefix, v, protect, maxKeys, allowGrowth, rate, sampleSize, recountFirst);
    }

    ScanDeleteSettings withProtect(String... globs) {
        List<String> all = new ArrayList<>(protect);
        for (String g : globs) {
            if (g == null || g.isBlank()) {
                throw new IllegalArgumentException("protected pattern must not be empty");
            }
            all.add(g);
        }
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                all,
                maxKeys,
                allowGrowth,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withMaxKeys(long v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                v,
                allowGrowth,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withAllowGrowth(long v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                v,
                rate,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withRate(double v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                v,
                sampleSize,
                recountFirst);
    }

    ScanDeleteSettings withRecountFirst(boolean v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                rate,
                sampleSize,
                v);
    }

    ScanDeleteSettings withSampleSize(int v) {
        return new ScanDeleteSettings(
                pattern,
                count,
                type,
                del,
                minPrefix,
                allowShortPrefix,
                protect,
                maxKeys,
                allowGrowth,
                rate,
                v,
                recountFirst);
    }
}
