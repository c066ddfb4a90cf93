package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetsCsvTest {

    @Test
    void formatsTheExportFormatInTopicPartitionOrder() {
        String csv = OffsetsCsv.format(List.of(
                new PartitionOffset("orders", 10, 7),
                new PartitionOffset("orders", 2, 5),
                new PartitionOffset("a", 0, 1)));
        assertThat(csv).isEqualTo("a,0,1\norders,2,5\norders,10,7\n");
    }

    @Test
    void parsesBothFormatsKeepingOnlyTheGroupsRows() {
        String csv = "# exported\nbilling,orders,0,42\nshipping,orders,0,7\n\norders,1,9\n";
        assertThat(OffsetsCsv.parse(csv, "billing"))
                .containsExactly(new PartitionOffset("orders", 0, 42), new PartitionOffset("orders", 1, 9));
    }

    @Test
    void refusesBadLinesAndSentinelsNamingTheLine() {
        assertThatThrownBy(() -> OffsetsCsv.parse("orders,0,5\norders,x,5\n", "g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2 'orders,x,5'");
        assertThatThrownBy(() -> OffsetsCsv.parse("orders,0,-1\n", "g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentinels");
        assertThatThrownBy(() -> OffsetsCsv.parse("orders;0;5\n", "g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 3 or 4 fields");
    }
}
