package dev.runbook.kafka;

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
    private final Map<Bytes, String> texts = new HashMap<>();
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
        if (raw == null) {
            return null;
        }
        if (raw == lastBytes || Arrays.equals(raw, lastBytes)) {
            return lastText;
        }
        if (raw.length > MAX_LENGTH) {
            return check.apply(new String(raw, StandardCharsets.UTF_8));
        }
        Bytes key = new Bytes(raw);
        String text = texts.get(key);
        if (text == null) {
            text = check.apply(new String(raw, StandardCharsets.UTF_8));
            if (texts.size() >= LIMIT) {
                texts.clear();
            }
            texts.put(key, text);
        }
        lastBytes = raw;
        lastText = text;
        return text;
    }

    /** Distinct values kept now. */
    int size() {
        return texts.size();
    }

    /** A header value by content, as a map key. */
    private static final class Bytes {
        private final byte[] bytes;
        private final int hash;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && b.hash == hash && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
