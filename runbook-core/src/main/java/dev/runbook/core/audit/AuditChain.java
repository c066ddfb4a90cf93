package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import java.util.List;

/**
 * The hash chain every chained audit sink writes and {@link AuditLogVerifier} checks: record {@code seq}
 * carries {@code prev} (the previous record's hash, {@link #GENESIS} for the first), the {@code event}, and
 * {@code hash} = SHA-256 of {@code prev}, a newline and the event's canonical JSON. A sink that stores
 * records elsewhere (a database collection) links them here and verifies them with {@link
 * AuditLogVerifier#verify(java.util.List, String)}, so every store is checked by the same code.
 *
 * <pre>{@code
 * ObjectNode record = AuditChain.link(seq + 1, head, event);   // store it, then:
 * head = record.get("hash").asText();
 * List<JsonNode> ok = AuditChain.verify(recordsInSeqOrder, "index runbook-audit", expectedHead);
 * }</pre>
 */
public final class AuditChain {
    /** The {@code prev} of the first record. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** The hash that chains {@code event} to the record whose hash is {@code prev}. */
    public static String hash(String prev, JsonNode event) {
        return Json.sha256(prev + "\n" + Json.write(event));
    }

    /**
     * One chained record: {@code {seq, prev, event, hash}}.
     *
     * @throws IllegalArgumentException if seq is below 1
     */
    public static ObjectNode link(long seq, String prev, JsonNode event) {
        if (seq < 1) {
            throw new IllegalArgumentException("audit records are numbered from 1, was " + seq);
        }
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("seq", seq);
        line.put("prev", prev);
        line.set("event", event);
        line.put("hash", hash(prev, event));
        return line;
    }

    /** {@link #link(long, String, JsonNode)} for an audit event. */
    public static ObjectNode link(long seq, String prev, AuditEvent event) {
        return link(seq, prev, Json.tree(event));
    }

    /**
     * Checks records given in {@code seq} order ({@link AuditLogVerifier#verify(List, String, String)}; no
     * head check when {@code expectedHead} is null), and returns them.
     *
     * @throws AuditException naming {@code source} and the first record that breaks the chain
     */
    public static List<JsonNode> verify(List<JsonNode> records, String source, String expectedHead) {
        return expectedHead == null
                ? AuditLogVerifier.verify(records, source)
                : AuditLogVerifier.verify(records, source, expectedHead);
    }
}
