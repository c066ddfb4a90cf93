package dev.runbook.kafka;

import dev.runbook.core.replay.DlqRecord;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/**
 * What a replay copies from one Kafka dead letter: its key, value and the application's own headers
 * (without the DLQ's bookkeeping and earlier replay headers), and where it sits in the DLQ. Slimmer than
 * the {@code ConsumerRecord}, whose parsed headers hold on to the whole fetched buffer.
 *
 * <pre>{@code
 * DlqCopy c = new DlqCopy(0, 17L, key, value, List.of());
 * }</pre>
 *
 * @param partition the DLQ partition
 * @param offset the offset in that partition
 * @param key the key bytes, or null
 * @param value the value bytes, or null
 * @param headers the headers the copy keeps, in order
 */
record DlqCopy(int partition, long offset, byte[] key, byte[] value, List<Header> headers) {

    /**
     * Moves {@code next} (partition to the offset after its last handled record) past {@code handled}, one
     * map update per run of records from the same partition rather than one per record.
     */
    static void advance(Map<Integer, Long> next, List<DlqRecord<DlqCopy>> handled) {
        DlqCopy last = null;
        for (DlqRecord<DlqCopy> r : handled) {
            DlqCopy c = r.payload();
            if (last != null && c.partition() != last.partition()) {
                next.put(last.partition(), last.offset() + 1);
            }
            last = c;
        }
        if (last != null) {
            next.put(last.partition(), last.offset() + 1);
        }
    }
}
