package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The hash chain of {@link JsonLinesAuditSink}, for audit sinks that keep their records elsewhere (a
 * database collection, a search index): each record is {@code {"seq", "prev", "event", "hash"}} with
 * {@code hash} = SHA-256 of {@code prev} and the event's JSON, exactly as in the file, so the same
 * records verify the same way wherever they are stored.
 *
 * <pre>{@code
 * ObjectNode record = AuditChain.link(seq + 1, head, event);    // store it, then head = record.get("hash")
 * List<JsonNode> ok = AuditChain.verify(recordsInSeqOrder, "index runbook-audit", expectedHead);
 * }</pre>
 */
public final class AuditChain {
    /** The {@code prev} of the first record. */
    public static final String GENESIS = JsonLinesAuditSink.GENESIS;

    private AuditChain() {}

    /** The hash that chains {@code event} (as JSON) to the record whose hash is {@code prev}. */
    public static String hash(String prev, JsonNode event) {
        return JsonLinesAuditSink.chainHash(prev, event);
    }

    /** The record for {@code event} at position {@code seq} after the record whose hash is {@code prev}. */
    public static ObjectNode link(long seq, String prev, AuditEvent event) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("seq", seq);
        record.put("prev", prev);
        record.set("event", Json.tree(event));
        record.put("hash", hash(prev, record.get("event")));
        return record;
    }

    /**
     * Checks records given in {@code seq} order: consecutive from 1, each chained to the one before, each
     * hash recomputed from its content, and (when {@code expectedHead} is not null) the last hash equal to
     * it, which detects records removed from the end. Returns the records.
     *
     * @throws AuditException naming {@code source} and the first record that breaks the chain
     */
    public static List<JsonNode> verify(Iterable<JsonNode> records, String source, String expectedHead) {
        List<JsonNode> out = new ArrayList<>();
        String prev = GENESIS;
        long expectedSeq = 1;
        for (JsonNode r : records) {
            if (r.path("seq").asLong(-1) != expectedSeq) {
                throw new AuditException(source + " has seq " + r.get("seq") + " where " + expectedSeq
                        + " was expected: a record was removed, inserted or reordered");
            }
            if (!prev.equals(r.path("prev").asText(null))) {
                throw new AuditException(source + " record " + expectedSeq
                        + " does not chain to the record before it: a record was removed or reordered");
            }
            String recomputed = hash(prev, r.get("event"));
            if (!recomputed.equals(r.path("hash").asText(null))) {
                throw new AuditException(source + " record " + expectedSeq
                        + " was changed after it was written: its hash does not match its content");
            }
            prev = recomputed;
            expectedSeq++;
            out.add(r);
        }
        if (expectedHead != null && !prev.equals(expectedHead)) {
            throw new AuditException(source + " ends at record " + out.size() + " with hash " + abbrev(prev)
                    + ", not at the expected head " + abbrev(expectedHead)
                    + ": records were removed from its end, added after the head was taken, or the head belongs"
                    + " elsewhere");
        }
        return out;
    }

    private static String abbrev(String hash) {
        return hash == null || hash.length() < 12 ? String.valueOf(hash) : hash.substring(0, 12);
    }
}
