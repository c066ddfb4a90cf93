package dev.runbook.kafka;

import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplaySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a DLQ topic from given start offsets up to given end offsets (the scope fixed at plan time),
 * read_committed, with no consumer group of its own: it never commits; the sink records progress.
 */
final class KafkaDlqSource implements ReplaySource<ConsumerRecord<byte[], byte[]>> {

    private static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    /** Records per batch, and so per replay transaction: large enough that commits cost little. */
    private static final int BATCH = 20_000;

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> end;
    private final Map<Integer, Long> next = new TreeMap<>();

    KafkaDlqSource(Map<String, Object> clientConfig, String topic, Map<Integer, Long> start, Map<Integer, Long> end) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "runbook-replay-source-" + topic);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.end = new HashMap<>();
        List<TopicPartition> assigned = new ArrayList<>();
        start.forEach((p, from) -> {
            long to = end.getOrDefault(p, from);
            next.put(p, from);
            if (from < to) {
                TopicPartition tp = new TopicPartition(topic, p);
                assigned.add(tp);
                this.end.put(tp, to);
            }
        });
        consumer.assign(assigned);
        for (TopicPartition tp : assigned) {
            consumer.seek(tp, start.get(tp.partition()));
        }
    }

    @Override
    public String name() {
        return "kafka " + topic;
    }

    @Override
    public List<DlqRecord<ConsumerRecord<byte[], byte[]>>> poll() {
        long idleSince = System.nanoTime();
        List<DlqRecord<ConsumerRecord<byte[], byte[]>>> out = new ArrayList<>();
        while (!end.isEmpty() && out.size() < BATCH) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(out.isEmpty() ? Duration.ofMillis(200) : Duration.ZERO);
            } catch (KafkaException e) {
                throw new TargetUnavailableException(
                        "reading DLQ '" + topic + "' failed: " + e.getMessage() + "; rerun to resume", e);
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                Long to = end.get(new TopicPartition(r.topic(), r.partition()));
                if (to != null && r.offset() < to) {
                    out.add(DlqHeaders.decode(r));
                }
            }
            retireFinishedPartitions();
            if (records.isEmpty() && !out.isEmpty()) {
                break;
            }
            if (out.isEmpty() && System.nanoTime() - idleSince > IDLE_LIMIT.toNanos()) {
                throw new TargetUnavailableException(
                        "no records from DLQ '" + topic + "' for " + IDLE_LIMIT.toSeconds() + " s although " + end
                                + " are still ahead; is the broker up? rerun to resume",
                        null);
            }
        }
        return out;
    }

    private void retireFinishedPartitions() {
        List<TopicPartition> done = new ArrayList<>();
        end.forEach((tp, to) -> {
            if (consumer.position(tp) >= to) {
                done.add(tp);
            }
        });
        if (!done.isEmpty()) {
            done.forEach(end::remove);
            consumer.pause(done);
        }
    }

    @Override
    public void consumed(List<DlqRecord<ConsumerRecord<byte[], byte[]>>> records) {
        for (DlqRecord<ConsumerRecord<byte[], byte[]>> r : records) {
            next.put(r.payload().partition(), r.payload().offset() + 1);
        }
    }

    /** Per partition, the offset after the last record the engine handled (or the start). */
    Map<Integer, Long> nextOffsets() {
        return Map.copyOf(next);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
