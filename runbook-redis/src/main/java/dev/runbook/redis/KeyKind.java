package dev.runbook.redis;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a connection's keys are ({@code String} or raw {@code byte[]}), and how to read them. */
interface KeyKind<K> {
    /** The key as text, for protected-pattern checks and samples. */
    String text(K key);

    /** The cluster hash slot of the key. */
    int slot(K key);

    /** The keys as an array, for UNLINK. */
    K[] array(List<K> keys);

    /** Text as a key or argument of this kind. */
    K of(String text);

    KeyKind<String> STRING = new KeyKind<>() {
        @Override
        public String text(String key) {
            return key;
        }

        @Override
        public int slot(String key) {
            return SlotHash.getSlot(key);
        }

        @Override
        public String[] array(List<String> keys) {
            return keys.toArray(new String[0]);
        }

        @Override
        public String of(String text) {
            return text;
        }
    };

    KeyKind<byte[]> BYTES = new KeyKind<>() {
        @Override
        public String text(byte[] key) {
            return new String(key, StandardCharsets.UTF_8);
        }

        @Override
        public int slot(byte[] key) {
            return SlotHash.getSlot(key);
        }

        @Override
        public byte[][] array(List<byte[]> keys) {
            return keys.toArray(new byte[0][]);
        }

        @Override
        public byte[] of(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    };
}
