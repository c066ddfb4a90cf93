package dev.runbook.kafka;

import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplaySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a DLQ topic from given start offsets up to given end offsets (the scope fixed at plan time),
 * read_committed, with no consumer group of its own: it never commits; the sink records progress. Fetcher
 * threads, each with its own consumer and a share of the partitions, parse and decode the records a few
 * polls ahead of the replay, so that reading, decoding and sending overlap (decoding the headers is most of
 * a replay's client work). Each partition is read in order by one fetcher; partitions interleave. Batches
 * are one poll each (a few thousand records), so that records die young.
 */
final class KafkaDlqSource implements ReplaySource<DlqCopy> {

    /**
     * Records per poll, and so per batch handed to the replay, unless the client config sets {@code
     * max.poll.records}: small enough that a poll's parsed headers are still in the CPU's cache when they
     * are decoded (500 was 3-5% faster than 4,000 in alternate rounds of the replay benchmark).
     */
    private static final int POLL_RECORDS = 500;

    /** Decoded batches the fetchers together may be ahead of the replay (32,000 records by default). */
    private static final int AHEAD = 64;

    /** Fetcher threads at most (fewer when fewer partitions have records to read). */
    static final int FETCHERS = 2;

    private static final Object END = new Object();

    private final String topic;
    private final Duration idleLimit;
    private final Map<Integer, Long> next = new TreeMap<>();
    private final BlockingQueue<Object> ahead = new ArrayBlockingQueue<>(AHEAD);
    private final List<Fetcher> fetchers = new ArrayList<>();
    private volatile boolean stopped;
    private int running;

    /**
     * The fetchers' consumer settings: the client config with what the replay's correctness needs forced
     * (no group, no auto commit, read_committed, no offset reset) and its read sizes as defaults that the
     * client config overrides.
     */
    static Map<String, Object> consumerConfig(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // an offset that retention deleted while the replay read is an error, not a silent jump to the end
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, POLL_RECORDS);
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return config;
    }

    KafkaDlqSource(Map<String, Object> clientConfig, String topic, Map<Integer, Long> start, Map<Integer, Long> end) {
        this(clientConfig, topic, start, end, FETCHERS);
    }

    /** As above, with at most {@code fetcherThreads} fetchers (a replay lane's source has one). */
    KafkaDlqSource(
            Map<String, Object> clientConfig,
            String topic,
            Map<Integer, Long> start,
            Map<Integer, Long> end,
            int fetcherThreads) {
        this.topic = topic;
        Object apiTimeout = clientConfig.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        this.idleLimit = Duration.ofMillis(apiTimeout == null ? 30_000 : Long.parseLong(apiTimeout.toString()));
        Map<String, Object> config = consumerConfig(clientConfig);
        for (List<TopicPartition> share : shares(topic, start, end, fetcherThreads)) {
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "runbook-replay-source-" + topic + "-" + fetchers.size());
            try {
                fetchers.add(new Fetcher(
                        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                        share,
                        start,
                        end));
            } catch (RuntimeException e) {
                fetchers.forEach(f -> f.consumer.close(CloseOptions.timeout(Duration.ZERO)));
                throw e;
            }
        }
        next.putAll(start);
        running = fetchers.size();
        fetchers.forEach(f -> f.thread.start());
    }

    /**
     * The partitions with records to read, shared out {@code ways} ways at most (among fetchers, or replay
     * lanes) by the records each has to read: the biggest partition first, each to the share with the
     * fewest so far.
     */
    static List<List<TopicPartition>> shares(String topic, Map<Integer, Long> start, Map<Integer, Long> end, int ways) {
        List<Integer> partitions = new ArrayList<>();
        start.forEach((p, from) -> {
            if (from < end.getOrDefault(p, from)) {
                partitions.add(p);
            }
        });
        partitions.sort(Comparator.comparingLong((Integer p) -> end.get(p) - start.get(p))
                .reversed());
        List<List<TopicPartition>> shares = new ArrayList<>();
        long[] load = new long[Math.min(ways, partitions.size())];
        for (int i = 0; i < load.length; i++) {
            shares.add(new ArrayList<>());
        }
        for (int p : partitions) {
            int least = 0;
            for (int i = 1; i < load.length; i++) {
                least = load[i] < load[least] ? i : least;
            }
            shares.get(least).add(new TopicPartition(topic, p));
            load[least] += end.get(p) - start.get(p);
        }
        return shares;
    }

    @Override
    public String name() {
        return "kafka " + topic;
    }

    @Override
    public List<DlqRecord<DlqCopy>> poll() {
        while (running > 0) {
            Object next;
            try {
                next = ahead.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException("interrupted while reading DLQ '" + topic + "'", e);
            }
            if (next == END) {
                running--;
                continue;
            }
            if (next instanceof RuntimeException e) {
                running = 0;
                throw e;
            }
            @SuppressWarnings("unchecked")
            List<DlqRecord<DlqCopy>> batch = (List<DlqRecord<DlqCopy>>) next;
            return batch;
        }
        return List.of();
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

    /** One fetcher thread's consumer, partitions and header decoder. */
    private final class Fetcher {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Long> end = new HashMap<>();
        private final DlqHeaders headers = new DlqHeaders();
        private final Thread thread;

        Fetcher(
                KafkaConsumer<byte[], byte[]> consumer,
                List<TopicPartition> share,
                Map<Integer, Long> start,
                Map<Integer, Long> end) {
            this.consumer = consumer;
            this.thread = new Thread(this::fetch, "runbook-replay-fetcher-" + topic + "-" + fetchers.size());
            thread.setDaemon(true);
            share.forEach(tp -> this.end.put(tp, end.get(tp.partition())));
            consumer.assign(share);
            share.forEach(tp -> consumer.seek(tp, start.get(tp.partition())));
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
            } catch (OffsetOutOfRangeException e) {
                hand(new TargetUnavailableException(
                        "DLQ '" + topic + "' no longer holds offsets " + e.offsetOutOfRangePartitions()
                                + " (retention deleted records while they were read); plan again",
                        e,
                        false));
            } catch (KafkaException e) {
                hand(new TargetUnavailableException(
                        "reading DLQ '" + topic + "' failed: " + e.getMessage() + "; rerun to resume", e));
            } catch (RuntimeException e) {
                hand(e);
            } finally {
                // no group, nothing to commit; a zero timeout only skips waiting for the broker to answer the
                // close of the fetch session, which it holds for fetch.max.wait.ms (half a second by default)
                // when it has no data: the session expires on the broker by itself
                consumer.close(CloseOptions.timeout(Duration.ZERO));
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

        private void stop() {
            try {
                consumer.wakeup();
            } catch (RuntimeException alreadyClosed) {
                // the fetcher finished and closed the consumer
            }
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
        fetchers.forEach(Fetcher::stop);
        ahead.clear();
        for (Fetcher f : fetchers) {
            try {
                f.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
