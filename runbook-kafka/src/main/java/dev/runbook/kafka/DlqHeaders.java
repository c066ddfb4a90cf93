package dev.runbook.kafka;

import dev.runbook.core.replay.DlqOrigin;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
            attempts = previousAttempts(seen.get(Slot.ATTEMPT));
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

    /** The headers the decoder reads; an origin header's first occurrence counts, the others' last. */
    private enum Slot {
        SPRING_TOPIC(DlqHeaders.SPRING_TOPIC, true),
        SPRING_PARTITION(DlqHeaders.SPRING_PARTITION, true),
        SPRING_OFFSET(DlqHeaders.SPRING_OFFSET, true),
        SPRING_TIMESTAMP(DlqHeaders.SPRING_TIMESTAMP, true),
        SPRING_GROUP(DlqHeaders.SPRING_GROUP, true),
        SPRING_EXCEPTION(DlqHeaders.SPRING_EXCEPTION, false),
        SPRING_CAUSE(DlqHeaders.SPRING_CAUSE, false),
        SPRING_MESSAGE(DlqHeaders.SPRING_MESSAGE, false),
        CONNECT_TOPIC(DlqHeaders.CONNECT_TOPIC, true),
        CONNECT_PARTITION(DlqHeaders.CONNECT_PARTITION, true),
        CONNECT_OFFSET(DlqHeaders.CONNECT_OFFSET, true),
        CONNECT_CONNECTOR(DlqHeaders.CONNECT_CONNECTOR, true),
        CONNECT_EXCEPTION(DlqHeaders.CONNECT_EXCEPTION, false),
        CONNECT_MESSAGE(DlqHeaders.CONNECT_MESSAGE, false),
        ATTEMPT(ReplayHeaders.ATTEMPT, false);

        private static final Slot[] ALL = values();

        /** The slots by key length: a key is compared only with the one or two of its length. */
        private static final Slot[][] BY_LENGTH = byLength();

        private static Slot[][] byLength() {
            int longest = 0;
            for (Slot s : ALL) {
                longest = Math.max(longest, s.key.length);
            }
            Slot[][] table = new Slot[longest + 1][0];
            for (Slot s : ALL) {
                Slot[] same = Arrays.copyOf(table[s.key.length], table[s.key.length].length + 1);
                same[same.length - 1] = s;
                table[s.key.length] = same;
            }
            return table;
        }

        final byte[] key;
        final boolean firstWins;

        Slot(String key, boolean firstWins) {
            this.key = key.getBytes(StandardCharsets.UTF_8);
            this.firstWins = firstWins;
        }
    }

    /** What a header key is to the decoder: a slot, other DLQ bookkeeping (dropped), or the application's. */
    private static final int OTHER_BOOKKEEPING = -1;

    private static final int APPLICATION = -2;

    private static final byte[] SPRING_PREFIX = SPRING.getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONNECT_PREFIX = CONNECT.getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLAY_ID = ReplayHeaders.REPLAY_ID.getBytes(StandardCharsets.UTF_8);
    private static final byte[] PARKED_REASON = ReplayHeaders.PARKED_REASON.getBytes(StandardCharsets.UTF_8);

    /** The slot of a key (its UTF-8 bytes in {@code key}, position to limit), or what else it is. */
    private static int classify(ByteBuffer key) {
        byte[] a = key.array();
        int from = key.arrayOffset() + key.position();
        int length = key.remaining();
        int to = from + length;
        if (length < Slot.BY_LENGTH.length) {
            for (Slot slot : Slot.BY_LENGTH[length]) {
                if (Arrays.equals(a, from, to, slot.key, 0, length)) {
                    return slot.ordinal();
                }
            }
        }
        if (startsWith(a, from, to, SPRING_PREFIX)
                || startsWith(a, from, to, CONNECT_PREFIX)
                || Arrays.equals(a, from, to, REPLAY_ID, 0, REPLAY_ID.length)
                || Arrays.equals(a, from, to, PARKED_REASON, 0, PARKED_REASON.length)) {
            return OTHER_BOOKKEEPING;
        }
        return APPLICATION;
    }

    private static boolean startsWith(byte[] a, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(a, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The headers that matter, in one pass over their keys' bytes (no String per key): the slots, and the
     * application's headers (neither DLQ bookkeeping nor an earlier replay's) that a copy keeps.
     */
    private final class Seen {
        final Header[] slots = new Header[Slot.ALL.length];
        List<Header> kept = List.of();

        Seen(Headers headers) {
            for (Header h : headers) {
                int what = classify(FetchedHeaders.key(h));
                if (what >= 0) {
                    if (slots[what] == null || !Slot.ALL[what].firstWins) {
                        slots[what] = h;
                    }
                } else if (what == APPLICATION) {
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

        Header get(Slot slot) {
            return slots[slot.ordinal()];
        }

        DlqOrigin origin() {
            Header springTopic = get(Slot.SPRING_TOPIC);
            if (springTopic != null) {
                return new DlqOrigin(
                        topic(springTopics, springTopic),
                        springInt(get(Slot.SPRING_PARTITION)),
                        springLong(get(Slot.SPRING_OFFSET)),
                        text(groups, get(Slot.SPRING_GROUP)),
                        text(exceptions, get(Slot.SPRING_EXCEPTION)),
                        text(causes, get(Slot.SPRING_CAUSE)),
                        text(messages, get(Slot.SPRING_MESSAGE)),
                        timestamp(springLong(get(Slot.SPRING_TIMESTAMP))));
            }
            Header connectTopic = get(Slot.CONNECT_TOPIC);
            if (connectTopic != null) {
                String connector = text(groups, get(Slot.CONNECT_CONNECTOR));
                return new DlqOrigin(
                        topic(connectTopics, connectTopic),
                        number(get(Slot.CONNECT_PARTITION), Integer::valueOf),
                        number(get(Slot.CONNECT_OFFSET), Long::valueOf),
                        connector == null ? null : "connect-" + connector,
                        text(exceptions, get(Slot.CONNECT_EXCEPTION)),
                        null,
                        text(messages, get(Slot.CONNECT_MESSAGE)),
                        null);
            }
            throw new MalformedHeaderException(
                    "no origin headers (neither " + SPRING_TOPIC + " nor " + CONNECT_TOPIC + ")");
        }
    }

    /** The origin topic's text; a header sent with a null value is malformed, not a crash. */
    private static String topic(HeaderTexts cache, Header h) {
        ByteBuffer v = FetchedHeaders.value(h);
        if (v == null) {
            throw new MalformedHeaderException(h.key() + " has no value (null)");
        }
        return cache.text(v);
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
        ByteBuffer v = FetchedHeaders.value(h);
        if (v == null || v.remaining() != Integer.BYTES) {
            throw new MalformedHeaderException(
                    h.key() + " has " + length(v) + " bytes, expected a 4-byte big-endian int");
        }
        return v.getInt(v.position());
    }

    private static Long springLong(Header h) {
        if (h == null) {
            return null;
        }
        ByteBuffer v = FetchedHeaders.value(h);
        if (v == null || v.remaining() != Long.BYTES) {
            throw new MalformedHeaderException(
                    h.key() + " has " + length(v) + " bytes, expected an 8-byte big-endian long");
        }
        return v.getLong(v.position());
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

    private static int length(ByteBuffer v) {
        return v == null ? 0 : v.remaining();
    }

    private static String text(HeaderTexts cache, Header h) {
        return h == null ? null : cache.text(FetchedHeaders.value(h));
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
