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

    @Test
    void aByteOrderMarkCrlfAndSpacesAroundFieldsAreRead() {
        // a file saved by a spreadsheet or a Windows editor: the mark used to become part of the first topic's
        // name, and the broker then answered InvalidTopicException
        String csv = "\uFEFForders.v2_eu-west , 0 , 5 \r\n\torders.v2_eu-west,\t1,\t6\r\n";
        assertThat(OffsetsCsv.parse(csv, "g"))
                .containsExactly(
                        new PartitionOffset("orders.v2_eu-west", 0, 5), new PartitionOffset("orders.v2_eu-west", 1, 6));
    }

    @Test
    void aPartitionGivenTwiceWithDifferentOffsetsIsRefusedNamingBothLines_theSameOffsetTwiceIsOneRow() {
        // two exports pasted together: which offset is meant? (the last one used to win silently)
        assertThatThrownBy(() -> OffsetsCsv.parse("orders,0,5\norders,1,7\nbilling,orders,0,9\n", "billing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 3 'billing,orders,0,9' gives orders-0 a second offset (line 1 'orders,0,5'); keep"
                        + " one line per partition");
        assertThat(OffsetsCsv.parse("orders,0,5\norders,0,5\n", "g"))
                .containsExactly(new PartitionOffset("orders", 0, 5));
    }

    @Test
    void anExportOfOtherGroupsOnlyIsRefusedNamingThem_notCalledEmpty() {
        assertThatThrownBy(() -> OffsetsCsv.parse("shipping,orders,0,7\nlakehouse,orders,0,1\n", "billing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no row is for group 'billing': the group,topic,partition,offset rows are for [lakehouse,"
                        + " shipping]; check the group name, or export this group's offsets");
    }
}
