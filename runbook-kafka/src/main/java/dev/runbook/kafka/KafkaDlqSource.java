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
 * fetcher thread owns the consumer and decodes headers a few polls ahead of the replay, so reading and
 * sending overlap. Batches are one poll each (a few thousand records), so that records die young.
 */
final class KafkaDlqSource implements ReplaySource<DlqCopy> {

    /** Records per poll, and so per batch handed to the replay. */
    private static final int POLL_RECORDS = 4_000;

    /** Decoded batches the fetcher may be ahead of the replay. */
    private static final int AHEAD = 8;

    private static final Object END = new Object();

    private final String topic;
    private final Duration idleLimit;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> end = new HashMap<>();
    private final Map<Integer, Long> next = new TreeMap<>();
    private final BlockingQueue<Object> ahead = new ArrayBlockingQueue<>(AHEAD);
    private final DlqHeaders headers = new DlqHeaders();
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
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, POLL_RECORDS);
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
    public List<DlqRecord<DlqCopy>> poll() {
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
        List<DlqRecord<DlqCopy>> batch = (List<DlqRecord<DlqCopy>>) next;
        return batch;
    }

    private void fetch() {
        try {
            while (!stopped) {
                List<DlqRecord<DlqCopy>> batch = readBatch();
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

    /** The next poll's records within the scope, decoded; empty once the scope is read. */
    private List<DlqRecord<DlqCopy>> readBatch() {
        long idleSince = System.nanoTime();
        while (!end.isEmpty() && !stopped) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            List<DlqRecord<DlqCopy>> out = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                long to = end.getOrDefault(tp, -1L);
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (r.offset() < to) {
                        out.add(headers.decode(r));
                    }
                }
            }
            retireFinishedPartitions();
            if (!out.isEmpty()) {
                return out;
            }
            if (System.nanoTime() - idleSince > idleLimit.toNanos()) {
                throw new TargetUnavailableException(
                        "no records from DLQ '" + topic + "' for " + idleLimit.toSeconds() + " s although " + end
                                + " are still ahead; is the broker up? rerun to resume",
                        null);
            }
        }
        return List.of();
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
    public void consumed(List<DlqRecord<DlqCopy>> records) {
        DlqCopy.advance(next, records);
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
