package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.runbook.core.replay.DlqOrigin;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayHeaders;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DlqHeadersTest {

    /**
     * Decodes the headers both as built here (read through {@code key()} and {@code value()}) and as a
     * consumer parses them from a fetch (read in place), checks that both give the same record, and
     * returns it.
     */
    private static DlqRecord<DlqCopy> decode(RecordHeaders headers) {
        DlqRecord<DlqCopy> built = new DlqHeaders().decode(record(headers));
        RecordHeaders fetched = DeadLetters.fetched(headers);
        assertThat(fetched).allMatch(FetchedHeaders::readsInPlace);
        DlqRecord<DlqCopy> inPlace = new DlqHeaders().decode(record(fetched));
        assertThat(inPlace).usingRecursiveComparison().isEqualTo(built);
        return inPlace;
    }

    private static ConsumerRecord<byte[], byte[]> record(RecordHeaders headers) {
        return new ConsumerRecord<>(
                "orders-dlq",
                1,
                42,
                1_700_000_000_123L,
                TimestampType.CREATE_TIME,
                3,
                5,
                "k-1".getBytes(StandardCharsets.UTF_8),
                "hello".getBytes(StandardCharsets.UTF_8),
                headers,
                Optional.empty());
    }

    @Test
    void springHeaders_decodeBinaryPartitionOffsetTimestamp_andTheOldestHopIsTheOrigin() {
        RecordHeaders h = DeadLetters.springHeaders(
                List.of(
                        new SpringFailure("orders", 7, 1234567890123L, "order-processor", "E1", null),
                        new SpringFailure("orders-retry-0", 0, 5, "retrier", "E2", "java.net.SocketTimeoutException")),
                0);
        DlqRecord<DlqCopy> d = decode(h);
        DlqOrigin o = d.origin();
        assertThat(o.topic()).isEqualTo("orders");
        assertThat(o.partition()).isEqualTo(7);
        assertThat(o.offset()).isEqualTo(1234567890123L);
        assertThat(o.group()).isEqualTo("order-processor");
        assertThat(o.exceptionClass()).as("exception headers: the latest").isEqualTo("E2");
        assertThat(o.exception()).isEqualTo("java.net.SocketTimeoutException");
        assertThat(o.originalTimestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(d.position()).isEqualTo("orders-dlq/1/42");
        assertThat(d.key()).isEqualTo("k-1");
        assertThat(d.bytes()).isEqualTo(8);
        assertThat(d.timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(d.previousAttempts()).isZero();
        assertThat(d.payload().partition()).isEqualTo(1);
        assertThat(d.payload().offset()).isEqualTo(42);
        assertThat(d.payload().key()).asString(StandardCharsets.UTF_8).isEqualTo("k-1");
        assertThat(d.payload().value()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
        assertThat(d.payload().headers()).as("DLQ bookkeeping is not copied").isEmpty();
    }

    @Test
    void theCopyKeepsTheApplicationsHeadersInOrder_notTheDlqsNorAnEarlierReplays() {
        RecordHeaders h = DeadLetters.springHeaders(List.of(new SpringFailure("o", 0, 1, "g", "E", null)), 2);
        h.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        h.add(ReplayHeaders.REPLAY_ID, "orders-dlq/0/1".getBytes(StandardCharsets.UTF_8));
        h.add(ReplayHeaders.PARKED_REASON, "too often".getBytes(StandardCharsets.UTF_8));
        h.add("tenant", "t1".getBytes(StandardCharsets.UTF_8));
        h.add("__connect.errors.stage", "VALUE_CONVERTER".getBytes(StandardCharsets.UTF_8));
        String sameLengthAsATopicKey = "x".repeat(DlqHeaders.SPRING_TOPIC.length());
        h.add(sameLengthAsATopicKey, "1".getBytes(StandardCharsets.UTF_8));
        String longerThanAnyKnownKey = "y".repeat(200);
        h.add(longerThanAnyKnownKey, "2".getBytes(StandardCharsets.UTF_8));
        assertThat(decode(h).payload().headers())
                .extracting(Header::key, x -> new String(x.value(), StandardCharsets.UTF_8))
                .containsExactly(
                        tuple("trace-id", "abc"),
                        tuple("tenant", "t1"),
                        tuple(sameLengthAsATopicKey, "1"),
                        tuple(longerThanAnyKnownKey, "2"));
    }

    @Test
    void repeatedValues_decodeToTheSameTexts_onePerDistinctValue() {
        DlqHeaders decoder = new DlqHeaders();
        DlqOrigin[] seen = new DlqOrigin[4];
        for (int i = 0; i < seen.length; i++) {
            RecordHeaders h = DeadLetters.springHeaders(
                    List.of(new SpringFailure(i < 2 ? "orders" : "payments", 0, i, "g", "E", "C")), 0);
            seen[i] = decoder.decode(record(i % 2 == 0 ? h : DeadLetters.fetched(h)))
                    .origin();
        }
        assertThat(seen[1].topic()).isSameAs(seen[0].topic()).isEqualTo("orders");
        assertThat(seen[3].topic()).isSameAs(seen[2].topic()).isEqualTo("payments");
        assertThat(seen[3].group()).isSameAs(seen[0].group());
        assertThat(seen[3].offset()).isEqualTo(3L);
    }

    @Test
    void thisKafkaClientsLetsFetchedHeadersBeReadInPlace() {
        // if this fails after a kafka-clients upgrade, RecordHeader's private fields changed: replays still
        // decode correctly (through key() and value()), but a tenth slower; adapt FetchedHeaders
        assertThat(FetchedHeaders.IN_PLACE).isTrue();
        RecordHeaders fetched = DeadLetters.fetched(
                DeadLetters.springHeaders(List.of(new SpringFailure("orders", 3, 7, "g", "E", null)), 0));
        Header topic = fetched.lastHeader(DlqHeaders.SPRING_TOPIC);
        assertThat(FetchedHeaders.value(topic)).isEqualTo(ByteBuffer.wrap("orders".getBytes(StandardCharsets.UTF_8)));
        assertThat(FetchedHeaders.readsInPlace(topic))
                .as("lastHeader made the key a String")
                .isFalse();
        assertThat(FetchedHeaders.key(topic))
                .isEqualTo(ByteBuffer.wrap(DlqHeaders.SPRING_TOPIC.getBytes(StandardCharsets.UTF_8)));
        assertThat(topic.value()).asString(StandardCharsets.UTF_8).isEqualTo("orders");
        assertThat(FetchedHeaders.value(new RecordHeader("k", null))).isNull();
    }

    @Test
    void connectHeaders_decodeText_andTheSinkConnectorGroup() {
        DlqOrigin o =
                decode(DeadLetters.connectHeaders("events", 2, 99, "file-sink")).origin();
        assertThat(o)
                .isEqualTo(new DlqOrigin(
                        "events",
                        2,
                        99L,
                        "connect-file-sink",
                        "org.apache.kafka.connect.errors.DataException",
                        null,
                        "Converting byte[] to Kafka Connect data failed",
                        null));
    }

    @Test
    void malformedOrMissingHeaders_giveAProblemNamingTheHeader() {
        RecordHeaders shortOffset = DeadLetters.springHeaders(List.of(new SpringFailure("o", 0, 1, "g", "E", null)), 0);
        shortOffset.remove(DlqHeaders.SPRING_OFFSET);
        shortOffset.add(DlqHeaders.SPRING_OFFSET, new byte[] {1, 2, 3, 4});
        assertThat(decode(shortOffset).originProblem())
                .isEqualTo("kafka_dlt-original-offset has 4 bytes, expected an 8-byte big-endian long");

        RecordHeaders badTopic = new RecordHeaders();
        badTopic.add(DlqHeaders.SPRING_TOPIC, "bad topic!".getBytes(StandardCharsets.UTF_8));
        assertThat(decode(badTopic).originProblem()).contains("not a valid topic name");

        RecordHeaders connect = DeadLetters.connectHeaders("events", 0, 1, "s");
        connect.remove(DlqHeaders.CONNECT_PARTITION);
        connect.add(DlqHeaders.CONNECT_PARTITION, "zero".getBytes(StandardCharsets.UTF_8));
        assertThat(decode(connect).originProblem())
                .isEqualTo("__connect.errors.partition is 'zero', expected a decimal number");

        assertThat(decode(new RecordHeaders()).originProblem()).startsWith("no origin headers");
        assertThat(decode(new RecordHeaders()).hasOrigin()).isFalse();
    }

    @Test
    void anOriginTopicHeaderWithoutAValue_isAProblemNamingTheHeader_notACrash() {
        // a producer may send a header with a null value; it used to end the whole plan with
        // NullPointerException: topic (from the fetcher thread)
        RecordHeaders spring = DeadLetters.springHeaders(List.of(new SpringFailure("o", 0, 1, "g", "E", null)), 0);
        spring.remove(DlqHeaders.SPRING_TOPIC);
        spring.add(DlqHeaders.SPRING_TOPIC, null);
        assertThat(decode(spring).originProblem()).isEqualTo("kafka_dlt-original-topic has no value (null)");

        RecordHeaders connect = DeadLetters.connectHeaders("events", 0, 1, "s");
        connect.remove(DlqHeaders.CONNECT_TOPIC);
        connect.add(DlqHeaders.CONNECT_TOPIC, null);
        assertThat(decode(connect).originProblem()).isEqualTo("__connect.errors.topic has no value (null)");

        RecordHeaders empty = new RecordHeaders();
        empty.add(DlqHeaders.SPRING_TOPIC, new byte[0]);
        assertThat(decode(empty).originProblem()).contains("not a valid topic name");
    }

    @Test
    void attemptHeader_isReadAsPreviousAttempts_andMalformedIsAProblem() {
        RecordHeaders h = DeadLetters.springHeaders(List.of(new SpringFailure("o", 0, 1, "g", "E", null)), 2);
        assertThat(decode(h).previousAttempts()).isEqualTo(2);
        h.add(ReplayHeaders.ATTEMPT, "two".getBytes(StandardCharsets.UTF_8));
        assertThat(decode(h).originProblem()).contains("runbook-replay-attempt is 'two'");
    }
}
