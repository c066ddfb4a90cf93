package dev.runbook.kafka;

import dev.runbook.core.replay.DlqOrigin;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Decodes the origin of a Kafka dead letter from Spring Kafka's {@code kafka_dlt-original-*} headers
 * (binary: partition a 4-byte big-endian int, offset and timestamp 8-byte longs; a record that failed
 * again carries them twice, oldest first, and the oldest is the origin) or Kafka Connect's {@code
 * __connect.errors.*} headers (UTF-8 text; the sink connector's group is {@code connect-<name>}).
 */
final class DlqHeaders {

    static final String SPRING = "kafka_dlt-";
    static final String SPRING_TOPIC = SPRING + "original-topic";
    static final String SPRING_PARTITION = SPRING + "original-partition";
    static final String SPRING_OFFSET = SPRING + "original-offset";
    static final String SPRING_TIMESTAMP = SPRING + "original-timestamp";
    static final String SPRING_GROUP = SPRING + "original-consumer-group";
    static final String SPRING_EXCEPTION = SPRING + "exception-fqcn";
    static final String SPRING_CAUSE = SPRING + "exception-cause-fqcn";
    static final String SPRING_MESSAGE = SPRING + "exception-message";

    static final String CONNECT = "__connect.errors.";
    static final String CONNECT_TOPIC = CONNECT + "topic";
    static final String CONNECT_PARTITION = CONNECT + "partition";
    static final String CONNECT_OFFSET = CONNECT + "offset";
    static final String CONNECT_CONNECTOR = CONNECT + "connector.name";
    static final String CONNECT_EXCEPTION = CONNECT + "exception.class.name";
    static final String CONNECT_MESSAGE = CONNECT + "exception.message";

    private DlqHeaders() {}

    /** The record with its origin decoded, or with the reason it could not be. */
    static DlqRecord<ConsumerRecord<byte[], byte[]>> decode(ConsumerRecord<byte[], byte[]> r) {
        String position = r.topic() + "/" + r.partition() + "/" + r.offset();
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        long bytes = (long) Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
        Instant ts = Instant.ofEpochMilli(Math.max(0, r.timestamp()));
        DlqOrigin origin = null;
        String problem;
        int attempts = 0;
        try {
            attempts = previousAttempts(r.headers());
            origin = origin(r.headers());
            problem = null;
        } catch (MalformedHeaderException e) {
            problem = e.getMessage();
        }
        return new DlqRecord<>(position, key, origin, problem, attempts, ts, bytes, r);
    }

    static int previousAttempts(Headers headers) {
        Header h = headers.lastHeader(ReplayHeaders.ATTEMPT);
        if (h == null) {
            return 0;
        }
        String text = text(h);
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new MalformedHeaderException(
                    ReplayHeaders.ATTEMPT + " is '" + text + "', expected a non-negative decimal number");
        }
    }

    static DlqOrigin origin(Headers headers) {
        Header springTopic = first(headers, SPRING_TOPIC);
        if (springTopic != null) {
            return new DlqOrigin(
                    topic(springTopic),
                    springInt(first(headers, SPRING_PARTITION)),
                    springLong(first(headers, SPRING_OFFSET)),
                    textOrNull(first(headers, SPRING_GROUP)),
                    textOrNull(headers.lastHeader(SPRING_EXCEPTION)),
                    textOrNull(headers.lastHeader(SPRING_CAUSE)),
                    textOrNull(headers.lastHeader(SPRING_MESSAGE)),
                    timestamp(springLong(first(headers, SPRING_TIMESTAMP))));
        }
        Header connectTopic = first(headers, CONNECT_TOPIC);
        if (connectTopic != null) {
            String connector = textOrNull(first(headers, CONNECT_CONNECTOR));
            return new DlqOrigin(
                    topic(connectTopic),
                    number(first(headers, CONNECT_PARTITION), Integer::valueOf),
                    number(first(headers, CONNECT_OFFSET), Long::valueOf),
                    connector == null ? null : "connect-" + connector,
                    textOrNull(headers.lastHeader(CONNECT_EXCEPTION)),
                    null,
                    textOrNull(headers.lastHeader(CONNECT_MESSAGE)),
                    null);
        }
        throw new MalformedHeaderException(
                "no origin headers (neither " + SPRING_TOPIC + " nor " + CONNECT_TOPIC + ")");
    }

    private static Header first(Headers headers, String name) {
        for (Header h : headers.headers(name)) {
            return h;
        }
        return null;
    }

    private static String topic(Header h) {
        String t = text(h);
        if (t.isBlank() || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new MalformedHeaderException(h.key() + " is '" + t + "', not a valid topic name");
        }
        return t;
    }

    private static Integer springInt(Header h) {
        if (h == null) {
            return null;
        }
        if (h.value() == null || h.value().length != Integer.BYTES) {
            throw new MalformedHeaderException(
                    h.key() + " has " + length(h) + " bytes, expected a 4-byte big-endian int");
        }
        return ByteBuffer.wrap(h.value()).getInt();
    }

    private static Long springLong(Header h) {
        if (h == null) {
            return null;
        }
        if (h.value() == null || h.value().length != Long.BYTES) {
            throw new MalformedHeaderException(
                    h.key() + " has " + length(h) + " bytes, expected an 8-byte big-endian long");
        }
        return ByteBuffer.wrap(h.value()).getLong();
    }

    private static <N> N number(Header h, java.util.function.Function<String, N> parse) {
        if (h == null) {
            return null;
        }
        String t = text(h);
        try {
            return parse.apply(t.trim());
        } catch (NumberFormatException e) {
            throw new MalformedHeaderException(h.key() + " is '" + t + "', expected a decimal number");
        }
    }

    private static Instant timestamp(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static int length(Header h) {
        return h.value() == null ? 0 : h.value().length;
    }

    private static String textOrNull(Header h) {
        return h == null || h.value() == null ? null : text(h);
    }

    private static String text(Header h) {
        return h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A header that is present but cannot be decoded. */
    static final class MalformedHeaderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedHeaderException(String message) {
            super(message);
        }
    }
}
