package dev.runbook.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Header values as text, decoded (and checked) once per distinct value rather than once per record:
 * dead letters repeat the same few topics, groups and exception classes. Not thread-safe: one per reader.
 *
 * <pre>{@code
 * HeaderTexts topics = new HeaderTexts(HeaderTexts::validTopic);
 * String t = topics.text(header.value());   // "orders", the same String for every record
 * }</pre>
 */
final class HeaderTexts {

    /** Distinct values kept; past that the cache starts over (values longer than 512 bytes are not kept). */
    static final int LIMIT = 4096;

    private static final int MAX_LENGTH = 512;

    private final UnaryOperator<String> check;
    private final Map<Bytes, Known> texts = new HashMap<>();
    private byte[] lastBytes;
    private String lastText;

    /** Texts accepted as they are. */
    HeaderTexts() {
        this(UnaryOperator.identity());
    }

    /**
     * Texts passed through {@code check} on first sight; what it throws propagates and nothing is kept.
     */
    HeaderTexts(UnaryOperator<String> check) {
        this.check = check;
    }

    /** The UTF-8 text of {@code raw} (after the check); null for null. */
    String text(byte[] raw) {
        return raw == null ? null : text(raw, 0, raw.length);
    }

    /**
     * The UTF-8 text of {@code raw}'s bytes from position to limit (after the check); null for null. Reads
     * through the array: no copy unless the value is new.
     */
    String text(ByteBuffer raw) {
        if (raw == null) {
            return null;
        }
        if (!raw.hasArray()) {
            byte[] copy = new byte[raw.remaining()];
            raw.duplicate().get(copy);
            return text(copy);
        }
        return text(raw.array(), raw.arrayOffset() + raw.position(), raw.remaining());
    }

    private String text(byte[] a, int from, int length) {
        if (lastBytes != null && Arrays.equals(a, from, from + length, lastBytes, 0, lastBytes.length)) {
            return lastText;
        }
        if (length > MAX_LENGTH) {
            return check.apply(new String(a, from, length, StandardCharsets.UTF_8));
        }
        Known known = texts.get(new Bytes(a, from, length));
        if (known == null) {
            String text = check.apply(new String(a, from, length, StandardCharsets.UTF_8));
            if (texts.size() >= LIMIT) {
                texts.clear();
            }
            byte[] copy = Arrays.copyOfRange(a, from, from + length);
            known = new Known(copy, text);
            texts.put(new Bytes(copy, 0, length), known);
        }
        lastBytes = known.bytes();
        lastText = known.text();
        return known.text();
    }

    /** Distinct values kept now. */
    int size() {
        return texts.size();
    }

    /** A value seen before: its own copy of the bytes, and its text. */
    private record Known(byte[] bytes, String text) {}

    /** A header value by content (a range of an array), as a map key. */
    private static final class Bytes {
        private final byte[] array;
        private final int from;
        private final int length;
        private final int hash;

        Bytes(byte[] array, int from, int length) {
            this.array = array;
            this.from = from;
            this.length = length;
            int h = 1;
            for (int i = from; i < from + length; i++) {
                h = 31 * h + array[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b
                    && b.hash == hash
                    && Arrays.equals(b.array, b.from, b.from + b.length, array, from, from + length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
