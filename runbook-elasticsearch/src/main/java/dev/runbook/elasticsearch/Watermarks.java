package dev.runbook.elasticsearch;

import java.util.Locale;
import java.util.Map;

/**
 * The disk watermarks in force ({@code cluster.routing.allocation.disk.watermark.*}): at the low mark
 * no new shards go to a node, at the high mark shards move away, at the flood stage its indices become
 * read-only. Each is a used share ({@code 85%}, {@code 0.85}), capped by a {@code max_headroom} of free
 * space, or an amount of free space ({@code 50gb}).
 *
 * <pre>{@code
 * Watermarks w = es.diskAllocation().read().watermarks();
 * w.freeRequiredAtHigh(1_000_000_000_000L);   // bytes that must stay free on a 1 TB disk
 * }</pre>
 *
 * @param low the low watermark as configured
 * @param lowMaxHeadroom its max headroom, or {@code null}
 * @param high the high watermark
 * @param highMaxHeadroom its max headroom, or {@code null}
 * @param floodStage the flood stage
 * @param floodStageMaxHeadroom its max headroom, or {@code null}
 * @param enabled {@code cluster.routing.allocation.disk.threshold_enabled}
 */
public record Watermarks(
        String low,
        String lowMaxHeadroom,
        String high,
        String highMaxHeadroom,
        String floodStage,
        String floodStageMaxHeadroom,
        boolean enabled) {

    private static final String PREFIX = "cluster.routing.allocation.disk.";

    /** From flat settings (transient over persistent over defaults, already merged). */
    static Watermarks of(Map<String, String> flat) {
        return new Watermarks(
                flat.getOrDefault(PREFIX + "watermark.low", "85%"),
                flat.get(PREFIX + "watermark.low.max_headroom"),
                flat.getOrDefault(PREFIX + "watermark.high", "90%"),
                flat.get(PREFIX + "watermark.high.max_headroom"),
                flat.getOrDefault(PREFIX + "watermark.flood_stage", "95%"),
                flat.get(PREFIX + "watermark.flood_stage.max_headroom"),
                Boolean.parseBoolean(flat.getOrDefault(PREFIX + "threshold_enabled", "true")));
    }

    /** Bytes that must stay free on a disk of {@code total} bytes to stay under the low watermark. */
    public long freeRequiredAtLow(long total) {
        return freeRequired(low, lowMaxHeadroom, total);
    }

    /** Bytes that must stay free on a disk of {@code total} bytes to stay under the high watermark. */
    public long freeRequiredAtHigh(long total) {
        return freeRequired(high, highMaxHeadroom, total);
    }

    /** Bytes that must stay free on a disk of {@code total} bytes to stay under the flood stage. */
    public long freeRequiredAtFloodStage(long total) {
        return freeRequired(floodStage, floodStageMaxHeadroom, total);
    }

    static long freeRequired(String watermark, String maxHeadroom, long total) {
        String w = watermark.trim().toLowerCase(Locale.ROOT);
        Double usedShare = null;
        if (w.endsWith("%")) {
            usedShare = Double.parseDouble(w.substring(0, w.length() - 1)) / 100.0;
        } else if (w.matches("[0-9]*\\.?[0-9]+") && !w.matches("[0-9]+")) {
            usedShare = Double.parseDouble(w);
        } else if (w.matches("[0-9]+")) {
            usedShare = Double.parseDouble(w) / 100.0; // a bare number is a percentage
        }
        if (usedShare == null) {
            return bytes(w);
        }
        long free = Math.round(total * (1.0 - usedShare));
        if (maxHeadroom != null && !maxHeadroom.isBlank() && !maxHeadroom.trim().equals("-1")) {
            free = Math.min(free, bytes(maxHeadroom.trim().toLowerCase(Locale.ROOT)));
        }
        return free;
    }

    /** {@code 30mb}, {@code 150GB}, {@code 1024b} as bytes. */
    static long bytes(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        String[] units = {"pb", "tb", "gb", "mb", "kb", "b"};
        long[] factors = {1L << 50, 1L << 40, 1L << 30, 1L << 20, 1L << 10, 1L};
        for (int i = 0; i < units.length; i++) {
            if (v.endsWith(units[i])) {
                double n = Double.parseDouble(
                        v.substring(0, v.length() - units[i].length()).trim());
                return (long) (n * factors[i]);
            }
        }
        throw new IllegalArgumentException("not a byte size: '" + s + "'");
    }

    @Override
    public String toString() {
        return "low " + low + head(low, lowMaxHeadroom) + ", high " + high + head(high, highMaxHeadroom)
                + ", flood stage " + floodStage + head(floodStage, floodStageMaxHeadroom)
                + (enabled ? "" : " (disk threshold decider disabled)");
    }

    /** A max headroom applies to a share only, not to an amount of free space. */
    private static String head(String watermark, String h) {
        boolean share = !watermark.trim().toLowerCase(Locale.ROOT).matches(".*[a-z]$");
        return h == null || h.equals("-1") || !share ? "" : " (max headroom " + h + ")";
    }
}
