package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WatermarksTest {
    private static final long GB = 1L << 30;

    @Test
    void percentagesAreCappedByTheirMaxHeadroom_asElasticsearchDoes() {
        Watermarks w = Watermarks.of(Map.of(
                "cluster.routing.allocation.disk.watermark.high", "90%",
                "cluster.routing.allocation.disk.watermark.high.max_headroom", "150GB"));
        assertThat(w.freeRequiredAtHigh(100 * GB)).isEqualTo(10 * GB);
        assertThat(w.freeRequiredAtHigh(10_000 * GB)).isEqualTo(150 * GB); // not 1,000 GB
        assertThat(w.freeRequiredAtLow(100 * GB)).isEqualTo(15 * GB); // default 85%
    }

    @Test
    void ratiosAndAbsoluteFreeSpaceAreRead() {
        assertThat(Watermarks.freeRequired("0.9", null, 100 * GB)).isEqualTo(10 * GB);
        assertThat(Watermarks.freeRequired("50gb", "150GB", 1000 * GB)).isEqualTo(50 * GB);
        assertThat(Watermarks.freeRequired("20mb", null, 1000 * GB)).isEqualTo(20L << 20);
        assertThat(Watermarks.freeRequired("95%", "-1", 1000 * GB)).isEqualTo(50 * GB);
    }

    @Test
    void headroomIsWhatANodeTakesBeforeTheHighMark() {
        Watermarks w = Watermarks.of(Map.of("cluster.routing.allocation.disk.watermark.high", "90%"));
        long total = 100 * GB;
        long avail = 25 * GB;
        assertThat(Math.max(0, avail - w.freeRequiredAtHigh(total))).isEqualTo(15 * GB);
        assertThat(w.toString()).contains("high 90%");
    }
}
