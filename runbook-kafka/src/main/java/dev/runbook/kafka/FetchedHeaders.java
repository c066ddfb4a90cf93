package dev.runbook.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A fetched header's key and value bytes, read where the consumer parsed them. Kafka's {@link
 * RecordHeader} keeps both as slices of the fetched buffer and, on the first call of {@code key()} or
 * {@code value()}, takes a lock and makes a String of the key or a copy of the value: a dead letter's ten
 * headers made that a tenth of a replay's CPU, for keys that are only compared with a few known ones. This
 * reads the slices through {@link VarHandle}s on {@code RecordHeader}'s private fields instead, and falls
 * back to {@code key()} and {@code value()} wherever that is not possible: a header built from a String, one
 * already materialized, a buffer without an array, or a kafka-clients whose fields differ ({@link
 * #IN_PLACE} is then false, and a unit test fails so the upgrade is noticed). Single-threaded use only, like
 * the records it reads; the returned buffers must be read with absolute gets or through their array.
 *
 * <pre>{@code
 * ByteBuffer key = FetchedHeaders.key(header);     // the key's UTF-8 bytes, position to limit
 * ByteBuffer value = FetchedHeaders.value(header); // null for a null value
 * }</pre>
 */
final class FetchedHeaders {

    private static final VarHandle KEY = field("keyBuffer");
    private static final VarHandle VALUE = field("valueBuffer");

    /** Whether this kafka-clients lets fetched headers be read in place. */
    static final boolean IN_PLACE = KEY != null && VALUE != null;

    private FetchedHeaders() {}

    /** The key's UTF-8 bytes between position and limit, with an accessible array. */
    static ByteBuffer key(Header h) {
        ByteBuffer b = inPlace(KEY, h);
        return b != null ? b : ByteBuffer.wrap(h.key().getBytes(StandardCharsets.UTF_8));
    }

    /** The value's bytes between position and limit, with an accessible array; null for a null value. */
    static ByteBuffer value(Header h) {
        ByteBuffer b = inPlace(VALUE, h);
        if (b != null) {
            return b;
        }
        byte[] v = h.value();
        return v == null ? null : ByteBuffer.wrap(v);
    }

    /** Whether the header's key bytes are still unparsed slices that {@link #key} reads in place. */
    static boolean readsInPlace(Header h) {
        return inPlace(KEY, h) != null;
    }

    private static ByteBuffer inPlace(VarHandle field, Header h) {
        if (field == null || h.getClass() != RecordHeader.class) {
            return null;
        }
        ByteBuffer b = (ByteBuffer) field.get((RecordHeader) h);
        return b != null && b.hasArray() ? b : null;
    }

    private static VarHandle field(String name) {
        try {
            return MethodHandles.privateLookupIn(RecordHeader.class, MethodHandles.lookup())
                    .findVarHandle(RecordHeader.class, name, ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
