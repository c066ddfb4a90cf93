package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResetOffsetsBuilderTest {

    private final ResetOffsetsBuilder reset = new ResetOffsetsBuilder(new OffsetReader(null, "kafka test"), "billing");

    @Test
    void aDatetimeWithoutAZoneIsRefused() {
        assertThatThrownBy(() -> reset.topic("orders").toDatetime("2026-11-21T08:00:00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'2026-11-21T08:00:00' is not an ISO date-time with a zone")
                .hasMessageContaining("never read as this machine's local time");
    }

    @Test
    void zonesAndOffsetsAreAccepted() {
        assertThat(reset.topic("orders").toDatetime("2026-11-21T08:00:00+07:00").toString())
                .contains("to datetime 2026-11-21T08:00+07:00");
        assertThat(reset.topic("orders")
                        .toDatetime("2026-11-21T08:00+07:00[Asia/Ho_Chi_Minh]")
                        .toString())
                .contains("Asia/Ho_Chi_Minh");
    }

    @Test
    void badValuesAndConflictsAreRefused() {
        assertThatThrownBy(() -> reset.topic("orders").toOffset(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never sent");
        assertThatThrownBy(() -> reset.partitions("orders", -2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reset.topic("orders").shiftBy(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reset.topic("orders").byDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> new ResetOffsetsBuilder(null, "b").topic("orders").allCommittedPartitions())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ResetOffsetsBuilder(null, "b").toEarliest())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("name the partitions to reset");
    }

    @Test
    void aFileNameGivenAsCsvTextNamesFromCsvPath() {
        assertThatThrownBy(() -> reset.fromCsv("orders-before.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'orders-before.csv' is not CSV text")
                .hasMessageContaining("fromCsv(Path.of(\"orders-before.csv\"))");
    }

    @Test
    void aCsvFileThatCannotBeUsedIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path shipping = Files.writeString(dir.resolve("shipping-before.csv"), "shipping,orders,0,7\n");
        assertThatThrownBy(() -> reset.fromCsv(shipping))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(shipping + ": no row is for group 'billing'")
                .hasMessageContaining("[shipping]");
        Path header = Files.writeString(dir.resolve("with-header.csv"), "topic,partition,offset\norders,0,5\n");
        assertThatThrownBy(() -> reset.fromCsv(header))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(header + ": line 1 'topic,partition,offset' is not topic,partition,offset");
        assertThatThrownBy(() -> reset.fromCsv(dir.resolve("missing.csv")))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("missing.csv")
                .hasMessageContaining("NoSuchFileException");
    }
}
