package dev.runbook.kafka;

import dev.runbook.core.replay.DlqOrigin;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Decodes the origin of a Kafka dead letter from Spring Kafka's {@code kafka_dlt-original-*} headers
 * (binary: partition a 4-byte big-endian int, offset and timestamp 8-byte longs; a record that failed
 * again carries them twice, oldest first, and the oldest is the origin) or Kafka Connect's {@code
 * __connect.errors.*} headers (UTF-8 text; the sink connector's group is {@code connect-<name>}), in
 * one pass over the headers that also keeps the application's own headers for the copy. One decoder per
 * reading thread: it caches the decoded texts ({@link HeaderTexts}).
 *
 * <pre>{@code
 * DlqHeaders headers = new DlqHeaders();
 * DlqRecord<DlqCopy> r = headers.decode(consumerRecord);
 * }</pre>
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

    private static final java.util.regex.Pattern TOPIC = java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    // dead letters repeat the same few values per header: one cache each
    private final HeaderTexts springTopics = new HeaderTexts(t -> validTopic(SPRING_TOPIC, t));
    private final HeaderTexts connectTopics = new HeaderTexts(t -> validTopic(CONNECT_TOPIC, t));
    private final HeaderTexts groups = new HeaderTexts();
    private final HeaderTexts exceptions = new HeaderTexts();
    private final HeaderTexts causes = new HeaderTexts();
    private final HeaderTexts messages = new HeaderTexts();

    /** The record with its origin decoded, or with the reason it could not be, and what a copy keeps. */
    DlqRecord<DlqCopy> decode(ConsumerRecord<byte[], byte[]> r) {
        String position = r.topic() + "/" + r.partition() + "/" + r.offset();
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        long bytes = (long) Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
        Instant ts = Instant.ofEpochMilli(Math.max(0, r.timestamp()));
        Seen seen = new Seen(r.headers());
        DlqOrigin origin = null;
        String problem;
        int attempts = 0;
        try {
            attempts = previousAttempts(seen.attempt);
            origin = seen.origin();
            problem = null;
        } catch (MalformedHeaderException e) {
            problem = e.getMessage();
        }
        DlqCopy copy = new DlqCopy(r.partition(), r.offset(), r.key(), r.value(), seen.kept);
        return new DlqRecord<>(position, key, origin, problem, attempts, ts, bytes, copy);
    }

    private static int previousAttempts(Header h) {
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

    /**
     * The headers that matter, in one pass: origin headers first-seen, exception and attempt last-seen,
     * and the application's headers (neither DLQ bookkeeping nor an earlier replay's) that a copy keeps.
     */
    private final class Seen {
        Header springTopic;
        Header springPartition;
        Header springOffset;
        Header springTimestamp;
        Header springGroup;
        Header springException;
        Header springCause;
        Header springMessage;
        Header connectTopic;
        Header connectPartition;
        Header connectOffset;
        Header connectConnector;
        Header connectException;
        Header connectMessage;
        Header attempt;
        List<Header> kept = List.of();

        Seen(Headers headers) {
            for (Header h : headers) {
                String k = h.key();
                if (k.startsWith(SPRING)) {
                    spring(k, h);
                } else if (k.startsWith(CONNECT)) {
                    connect(k, h);
                } else if (k.equals(ReplayHeaders.ATTEMPT)) {
                    attempt = h;
                } else if (!k.equals(ReplayHeaders.REPLAY_ID) && !k.equals(ReplayHeaders.PARKED_REASON)) {
                    keep(h);
                }
            }
        }

        private void keep(Header h) {
            if (kept.isEmpty()) {
                kept = new ArrayList<>(4);
            }
            kept.add(new RecordHeader(h.key(), h.value())); // the parsed header holds the fetched buffer
        }

        // equals chains, not string switches: every key is a fresh String, and a switch would hash it

        private void spring(String k, Header h) {
            if (k.equals(SPRING_TOPIC)) {
                springTopic = springTopic == null ? h : springTopic;
            } else if (k.equals(SPRING_PARTITION)) {
                springPartition = springPartition == null ? h : springPartition;
            } else if (k.equals(SPRING_OFFSET)) {
                springOffset = springOffset == null ? h : springOffset;
            } else if (k.equals(SPRING_TIMESTAMP)) {
                springTimestamp = springTimestamp == null ? h : springTimestamp;
            } else if (k.equals(SPRING_GROUP)) {
                springGroup = springGroup == null ? h : springGroup;
            } else if (k.equals(SPRING_EXCEPTION)) {
                springException = h;
            } else if (k.equals(SPRING_CAUSE)) {
                springCause = h;
            } else if (k.equals(SPRING_MESSAGE)) {
                springMessage = h;
            }
        }

        private void connect(String k, Header h) {
            if (k.equals(CONNECT_TOPIC)) {
                connectTopic = connectTopic == null ? h : connectTopic;
            } else if (k.equals(CONNECT_PARTITION)) {
                connectPartition = connectPartition == null ? h : connectPartition;
            } else if (k.equals(CONNECT_OFFSET)) {
                connectOffset = connectOffset == null ? h : connectOffset;
            } else if (k.equals(CONNECT_CONNECTOR)) {
                connectConnector = connectConnector == null ? h : connectConnector;
            } else if (k.equals(CONNECT_EXCEPTION)) {
                connectException = h;
            } else if (k.equals(CONNECT_MESSAGE)) {
                connectMessage = h;
            }
        }

        DlqOrigin origin() {
            if (springTopic != null) {
                return new DlqOrigin(
                        springTopics.text(springTopic.value()),
                        springInt(springPartition),
                        springLong(springOffset),
                        text(groups, springGroup),
                        text(exceptions, springException),
                        text(causes, springCause),
                        text(messages, springMessage),
                        timestamp(springLong(springTimestamp)));
            }
            if (connectTopic != null) {
                String connector = text(groups, connectConnector);
                return new DlqOrigin(
                        connectTopics.text(connectTopic.value()),
                        number(connectPartition, Integer::valueOf),
                        number(connectOffset, Long::valueOf),
                        connector == null ? null : "connect-" + connector,
                        text(exceptions, connectException),
                        null,
                        text(messages, connectMessage),
                        null);
            }
            throw new MalformedHeaderException(
                    "no origin headers (neither " + SPRING_TOPIC + " nor " + CONNECT_TOPIC + ")");
        }
    }

    private static String validTopic(String header, String t) {
        if (!TOPIC.matcher(t).matches()) {
            throw new MalformedHeaderException(header + " is '" + t + "', not a valid topic name");
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

    private static String text(HeaderTexts cache, Header h) {
        return h == null ? null : cache.text(h.value());
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
