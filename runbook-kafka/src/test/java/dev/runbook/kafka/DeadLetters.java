package dev.runbook.kafka;

import dev.runbook.core.replay.ReplayHeaders;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes dead letters the way Spring Kafka's {@code DeadLetterPublishingRecoverer} and Kafka Connect's
 * DLQ reporter encode them, and reads topics back as a read_committed consumer.
 *
 * <p>The Spring records are built here with exactly its header encodings (names from {@code
 * KafkaHeaders}: partition a 4-byte big-endian int, offset and timestamp 8-byte longs, text as UTF-8;
 * a re-failed record carries the original-* headers twice, oldest first) rather than by spring-kafka
 * itself, to keep Spring out of the build's dependency tree. Connect's come from a real worker in
 * {@code ConnectIT}.
 */
final class DeadLetters {

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    DeadLetters(KafkaTestCluster kafka) {
        this(kafka.bootstrapServers());
    }

    DeadLetters(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        // a plain, patient producer: fixtures must arrive whole even on a machine under heavy load
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** One original failure as Spring Kafka records it. */
    record SpringFailure(String topic, int partition, long offset, String group, String exception, String cause) {}

    static RecordHeaders springHeaders(List<SpringFailure> hops, int previousAttempts) {
        RecordHeaders h = new RecordHeaders();
        for (SpringFailure f : hops) {
            h.add(DlqHeaders.SPRING_TOPIC, utf8(f.topic()));
            h.add(
                    DlqHeaders.SPRING_PARTITION,
                    ByteBuffer.allocate(4).putInt(f.partition()).array());
            h.add(
                    DlqHeaders.SPRING_OFFSET,
                    ByteBuffer.allocate(8).putLong(f.offset()).array());
            h.add(
                    DlqHeaders.SPRING_TIMESTAMP,
                    ByteBuffer.allocate(8).putLong(1_700_000_000_000L).array());
            h.add("kafka_dlt-original-timestamp-type", utf8("CreateTime"));
            h.add(DlqHeaders.SPRING_GROUP, utf8(f.group()));
        }
        SpringFailure last = hops.get(hops.size() - 1);
        h.add(DlqHeaders.SPRING_EXCEPTION, utf8(last.exception()));
        if (last.cause() != null) {
            h.add(DlqHeaders.SPRING_CAUSE, utf8(last.cause()));
        }
        h.add(DlqHeaders.SPRING_MESSAGE, utf8("Listener failed; nested exception"));
        h.add("kafka_dlt-exception-stacktrace", utf8("java.lang.RuntimeException: boom\n\tat x.y(Z.java:1)"));
        if (previousAttempts > 0) {
            h.add(ReplayHeaders.ATTEMPT, utf8(Integer.toString(previousAttempts)));
        }
        return h;
    }

    /**
     * The same headers as a consumer parses them from a fetch: written into a record batch and read back,
     * so each is a slice of the batch's buffer, as {@link FetchedHeaders} reads them in place.
     */
    static RecordHeaders fetched(RecordHeaders built) {
        MemoryRecords batch = MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(0L, (byte[]) null, (byte[]) null, built.toArray()));
        return new RecordHeaders(batch.records().iterator().next().headers());
    }

    static RecordHeaders connectHeaders(String topic, int partition, long offset, String connector) {
        RecordHeaders h = new RecordHeaders();
        h.add(DlqHeaders.CONNECT_TOPIC, utf8(topic));
        h.add(DlqHeaders.CONNECT_PARTITION, utf8(Integer.toString(partition)));
        h.add(DlqHeaders.CONNECT_OFFSET, utf8(Long.toString(offset)));
        h.add(DlqHeaders.CONNECT_CONNECTOR, utf8(connector));
        h.add("__connect.errors.task.id", utf8("0"));
        h.add("__connect.errors.stage", utf8("VALUE_CONVERTER"));
        h.add(DlqHeaders.CONNECT_EXCEPTION, utf8("org.apache.kafka.connect.errors.DataException"));
        h.add(DlqHeaders.CONNECT_MESSAGE, utf8("Converting byte[] to Kafka Connect data failed"));
        return h;
    }

    /** Sends one record with headers to a partition (or any, if negative); waits for all with flush. */
    Future<?> send(String topic, int partition, String key, String value, Iterable<Header> headers) {
        return producer.send(new ProducerRecord<>(
                topic, partition < 0 ? null : partition, key == null ? null : utf8(key), utf8(value), headers));
    }

    void flush() {
        producer.flush();
    }

    /** The replay ids ({@code <dlq>/<partition>/<offset>}) of every committed record in {@code dlq}. */
    java.util.Set<String> positions(String dlq) {
        java.util.Set<String> out = new java.util.HashSet<>();
        readCommitted(dlq).forEach(r -> out.add(r.topic() + "/" + r.partition() + "/" + r.offset()));
        return out;
    }

    /** A record read back: key, value and headers (last value of each name, plus counts). */
    record Read(String topic, int partition, long offset, String key, String value, Map<String, String> headers) {
        String replayId() {
            return headers.get(ReplayHeaders.REPLAY_ID);
        }

        String attempt() {
            return headers.get(ReplayHeaders.ATTEMPT);
        }
    }

    /**
     * The end offsets of {@code topic}'s partitions as a consumer with {@code isolation} sees them: the high
     * watermarks for read_uncommitted, the last stable offsets for read_committed (which lag a transaction's
     * commit by the moment its markers take to be written, and stop at a transaction left open).
     */
    static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic, String isolation) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            return consumer.endOffsets(tps, Duration.ofSeconds(30));
        }
    }

    /** Every committed record of {@code topic}, as a read_committed consumer sees it. */
    List<Read> readCommitted(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        List<Read> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            // to the high watermarks, not the last stable offsets: a transaction's commit markers are written
            // just after commitTransaction returns, and until then its records are past the LSO; reading to the
            // LSO could miss records committed a moment ago (a transaction left open fails the read instead)
            Map<TopicPartition, Long> end = endOffsets(bootstrap, topic, "read_uncommitted");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                        headers.merge("#" + h.key(), "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
                    }
                    out.add(new Read(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            new String(r.value(), StandardCharsets.UTF_8),
                            headers));
                }
            }
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
