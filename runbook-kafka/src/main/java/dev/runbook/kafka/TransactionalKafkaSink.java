package dev.runbook.kafka;

import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplayHeaders;
import dev.runbook.core.replay.ReplaySink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends replayed records with a transactional producer and commits the replayer group's DLQ offsets in
 * the same transaction ({@code sendOffsetsToTransaction}), so a batch's copies and its progress become
 * visible together or not at all. Its transactional id is derived from the replayer group and the lane: a
 * rerun after a crash fences the dead process and aborts its open transaction. A copy keeps the key, the value and
 * the application's own headers; the DLQ's bookkeeping headers ({@code kafka_dlt-*}, {@code
 * __connect.errors.*}) are dropped, and the replay id and attempt count are added.
 */
final class TransactionalKafkaSink implements ReplaySink<DlqCopy> {

    private final KafkaProducer<byte[], byte[]> producer;
    private final ConsumerGroupMetadata group;
    private final String dlqTopic;
    private final Map<Integer, Long> next = new HashMap<>();
    private boolean inTransaction;
    private volatile KafkaException sendFailure;

    private TransactionalKafkaSink(KafkaProducer<byte[], byte[]> producer, String group, String dlqTopic) {
        this.producer = producer;
        this.group = new ConsumerGroupMetadata(group);
        this.dlqTopic = dlqTopic;
    }

    /** The transactional id the replayer of {@code group} uses. */
    static String transactionalId(String group) {
        return "runbook-replay." + group;
    }

    /** The transactional id of lane {@code lane} of the replayer of {@code group}: lane 0's, then {@code .lane-N}. */
    static String transactionalId(String group, int lane) {
        return lane == 0 ? transactionalId(group) : transactionalId(group) + ".lane-" + lane;
    }

    /**
     * Opens lane {@code lane}'s producer and initialises transactions, which aborts whatever a crashed
     * earlier run's same lane left open. Call it before re-reading the group's committed offsets.
     */
    static TransactionalKafkaSink open(Map<String, Object> clientConfig, String group, String dlqTopic, int lane) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(group, lane));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        bulkCopyDefaults(config);
        // the producer sleeps retry.backoff.ms (100 ms by default, fixed, its sending thread stalled) before a
        // transactional request whose coordinator it had to look up first: initTransactions once, the first
        // sendOffsetsToTransaction twice, ~0.3 s of every apply. Kafka itself retries concurrent-transaction
        // errors after 20 ms; produce and metadata retries still back off exponentially to retry.backoff.max.ms.
        config.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "runbook-replay-sink-" + group + (lane == 0 ? "" : "-" + lane));
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            if (e instanceof AuthorizationException) {
                RuntimeException denied = KafkaErrors.map(
                        e,
                        "kafka " + clientConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
                        "starting the replay transaction (transactional id '" + transactionalId(group, lane) + "')");
                throw new TargetUnavailableException(
                        denied.getMessage() + "; a replay of several partitions uses " + ReplayDlq.LANES
                                + " transactional ids, and one prefixed ACL covers them all: --transactional-id '"
                                + transactionalId(group) + "' --resource-pattern-type prefixed",
                        e,
                        false);
            }
            throw new TargetUnavailableException(
                    "could not start the replay transaction for group '" + group + "': " + e.getMessage()
                            + "; is the broker up and does it allow transactions (transaction.state.log.*)?",
                    e);
        }
        return new TransactionalKafkaSink(producer, group, dlqTopic);
    }

    /**
     * Adds the replay producer's throughput settings to {@code config}, as defaults that it overrides: a
     * bulk copy, where fuller batches (fewer produce requests for the broker) matter and a send's latency
     * does not.
     */
    static void bulkCopyDefaults(Map<String, Object> config) {
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // lz4 costs the client little and spares the broker bytes to copy and write; every Kafka client
        // reads it. A target topic whose compression.type names another codec makes the broker recompress:
        // set compression.type to that codec in the client config then.
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    }

    @Override
    public void send(DlqRecord<DlqCopy> record, ReplayDecision decision) {
        if (sendFailure != null) {
            throw failed("sending a replayed record", sendFailure);
        }
        begin();
        DlqCopy copy = record.payload();
        boolean park = decision.kind() == ReplayDecision.Kind.PARK;
        // sized once: adding to the headers of a fresh RecordHeaders would grow its list on every record
        Header[] headers = copy.headers().toArray(new Header[copy.headers().size() + (park ? 3 : 2)]);
        int i = copy.headers().size();
        headers[i++] =
                new RecordHeader(ReplayHeaders.REPLAY_ID, record.position().getBytes(StandardCharsets.UTF_8));
        headers[i++] = new RecordHeader(ReplayHeaders.ATTEMPT, attempt(decision.attempt()));
        if (park) {
            headers[i] = new RecordHeader(
                    ReplayHeaders.PARKED_REASON, decision.reason().getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(
                    new ProducerRecord<>(
                            decision.target(), null, null, copy.key(), copy.value(), new RecordHeaders(headers)),
                    this::completed);
        } catch (KafkaException e) {
            throw failed("sending a replayed record", e);
        }
    }

    private void completed(RecordMetadata metadata, Exception e) {
        if (e instanceof KafkaException ke && sendFailure == null) {
            sendFailure = ke;
        }
    }

    /** The attempt header's value: the same few small numbers on every record, encoded once. */
    private static byte[] attempt(int n) {
        return n < ATTEMPTS.length ? ATTEMPTS[n] : Integer.toString(n).getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[][] ATTEMPTS = new byte[16][];

    static {
        for (int i = 0; i < ATTEMPTS.length; i++) {
            ATTEMPTS[i] = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void consumed(List<DlqRecord<DlqCopy>> records) {
        DlqCopy.advance(next, records);
    }

    @Override
    public void checkpoint() {
        begin();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((p, offset) -> offsets.put(new TopicPartition(dlqTopic, p), new OffsetAndMetadata(offset)));
        try {
            producer.sendOffsetsToTransaction(offsets, group);
            producer.commitTransaction();
            inTransaction = false;
            next.clear();
        } catch (KafkaException e) {
            throw failed("committing a replay batch", e);
        }
    }

    private void begin() {
        if (!inTransaction) {
            try {
                producer.beginTransaction();
            } catch (KafkaException e) {
                throw failed("starting a replay transaction", e);
            }
            inTransaction = true;
        }
    }

    private TargetUnavailableException failed(String what, KafkaException e) {
        Throwable cause = sendFailure != null ? sendFailure : e;
        if (cause instanceof AuthorizationException) {
            return new TargetUnavailableException(
                    KafkaErrors.map(cause, "kafka", what + " from DLQ '" + dlqTopic + "'")
                                    .getMessage()
                            + "; nothing of the open batch became visible and its DLQ offsets were not committed",
                    cause,
                    false);
        }
        return new TargetUnavailableException(
                what + " from DLQ '" + dlqTopic + "' failed (" + e.getMessage() + "); the open batch and its DLQ"
                        + " offsets become visible to read_committed consumers together or not at all; rerun to resume",
                sendFailure != null ? sendFailure : e);
    }

    @Override
    public void abort() {
        if (inTransaction) {
            inTransaction = false;
            producer.abortTransaction();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
