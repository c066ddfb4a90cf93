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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a DLQ topic from given start offsets up to given end offsets (the scope fixed at plan time),
 * read_committed, with no consumer group of its own: it never commits; the sink records progress. A
 * fetcher thread owns the consumer and decodes headers one batch ahead of the replay, so reading and
 * sending overlap.
 */
final class KafkaDlqSource implements ReplaySource<ConsumerRecord<byte[], byte[]>> {

    /**
     * Records (and key plus value bytes) per batch, and so per replay transaction: large enough that
     * commits cost little, small enough to hold two batches in memory.
     */
    private static final int BATCH = 100_000;

    private static final long BATCH_BYTES = 64L * 1024 * 1024;

    private static final Object END = new Object();

    private final String topic;
    private final Duration idleLimit;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> end = new HashMap<>();
    private final Map<Integer, Long> next = new TreeMap<>();
    private final BlockingQueue<Object> ahead = new ArrayBlockingQueue<>(1);
    private final Thread fetcher;
    private volatile boolean stopped;
    private boolean finished;

    KafkaDlqSource(Map<String, Object> clientConfig, String topic, Map<Integer, Long> start, Map<Integer, Long> end) {
        this.topic = topic;
        Object apiTimeout = clientConfig.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        this.idleLimit = Duration.ofMillis(apiTimeout == null ? 30_000 : Long.parseLong(apiTimeout.toString()));
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "runbook-replay-source-" + topic);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
        this.fetcher = new Thread(this::fetch, "runbook-replay-fetcher-" + topic);
        fetcher.setDaemon(true);
        fetcher.start();
    }

    @Override
    public String name() {
        return "kafka " + topic;
    }

    @Override
    public List<DlqRecord<ConsumerRecord<byte[], byte[]>>> poll() {
        if (finished) {
            return List.of();
        }
        Object next;
        try {
            next = ahead.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted while reading DLQ '" + topic + "'", e);
        }
        if (next == END) {
            finished = true;
            return List.of();
        }
        if (next instanceof RuntimeException e) {
            finished = true;
            throw e;
        }
        @SuppressWarnings("unchecked")
        List<DlqRecord<ConsumerRecord<byte[], byte[]>>> batch = (List<DlqRecord<ConsumerRecord<byte[], byte[]>>>) next;
        return batch;
    }

    private void fetch() {
        try {
            while (!stopped) {
                List<DlqRecord<ConsumerRecord<byte[], byte[]>>> batch = readBatch();
                hand(batch.isEmpty() ? END : batch);
                if (batch.isEmpty()) {
                    return;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (KafkaException e) {
            hand(new TargetUnavailableException(
                    "reading DLQ '" + topic + "' failed: " + e.getMessage() + "; rerun to resume", e));
        } catch (RuntimeException e) {
            hand(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void hand(Object item) {
        try {
            while (!stopped && !ahead.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // the replay is still busy with earlier batches
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<DlqRecord<ConsumerRecord<byte[], byte[]>>> readBatch() {
        long idleSince = System.nanoTime();
        List<DlqRecord<ConsumerRecord<byte[], byte[]>>> out = new ArrayList<>();
        long bytes = 0;
        while (!end.isEmpty() && out.size() < BATCH && bytes < BATCH_BYTES && !stopped) {
            ConsumerRecords<byte[], byte[]> records =
                    consumer.poll(out.isEmpty() ? Duration.ofMillis(200) : Duration.ZERO);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                Long to = end.get(new TopicPartition(r.topic(), r.partition()));
                if (to != null && r.offset() < to) {
                    DlqRecord<ConsumerRecord<byte[], byte[]>> d = DlqHeaders.decode(r);
                    bytes += d.bytes();
                    out.add(d);
                }
            }
            retireFinishedPartitions();
            if (records.isEmpty() && !out.isEmpty()) {
                break;
            }
            if (out.isEmpty() && System.nanoTime() - idleSince > idleLimit.toNanos()) {
                throw new TargetUnavailableException(
                        "no records from DLQ '" + topic + "' for " + idleLimit.toSeconds() + " s although " + end
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
        stopped = true;
        try {
            consumer.wakeup();
        } catch (RuntimeException alreadyClosed) {
            // the fetcher finished and closed the consumer
        }
        ahead.clear();
        try {
            fetcher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
