package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.replay.DlqOrigin;
import dev.runbook.core.replay.DlqRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DlqCopyTest {

    private static final DlqOrigin ORIGIN = new DlqOrigin("orders", 0, 0L, null, null, null, null, null);

    private static DlqRecord<DlqCopy> at(int partition, long offset) {
        return new DlqRecord<>(
                "dlq/" + partition + "/" + offset,
                null,
                ORIGIN,
                null,
                0,
                Instant.EPOCH,
                0,
                new DlqCopy(partition, offset, null, null, List.of()));
    }

    @Test
    void advance_movesEachPartitionPastItsLastHandledRecord_whateverTheRuns() {
        Map<Integer, Long> next = new TreeMap<>(Map.of(0, 5L, 3, 40L));
        List<DlqRecord<DlqCopy>> handled = new ArrayList<>();
        handled.add(at(0, 5));
        handled.add(at(0, 6));
        handled.add(at(1, 10));
        handled.add(at(2, 0));
        handled.add(at(1, 11));
        handled.add(at(0, 7));
        DlqCopy.advance(next, handled);
        assertThat(next).isEqualTo(Map.of(0, 8L, 1, 12L, 2, 1L, 3, 40L));

        DlqCopy.advance(next, List.of());
        assertThat(next).isEqualTo(Map.of(0, 8L, 1, 12L, 2, 1L, 3, 40L));
    }
}
