package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;

/**
 * The hash chain every chained audit sink writes and {@link AuditLogVerifier} checks: record {@code seq}
 * carries {@code prev} (the previous record's hash, {@link #GENESIS} for the first), the {@code event}, and
 * {@code hash} = SHA-256 of {@code prev}, a newline and the event's canonical JSON. A sink that stores
 * records elsewhere (a database collection) links them here and verifies them with {@link
 * AuditLogVerifier#verify(java.util.List, String)}, so every store is checked by the same code.
 *
 * <pre>{@code
 * ObjectNode record = AuditChain.link(seq + 1, head, Json.tree(event));
 * head = record.get("hash").asText();
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
}
