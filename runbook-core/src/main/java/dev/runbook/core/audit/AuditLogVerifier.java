package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link JsonLinesAuditSink} file: sequence numbers consecutive from 1, each record's {@code
 * prev} equal to the previous {@code hash}, and each {@code hash} recomputed from its content. A changed,
 * removed, inserted or reordered record fails with the line number.
 *
 * <pre>{@code
 * List<JsonNode> records = AuditLogVerifier.verify(Path.of("audit.jsonl"));
 * }</pre>
 */
public final class AuditLogVerifier {
    private AuditLogVerifier() {}

    /**
     * Verifies the chain and returns the records.
     *
     * @throws AuditException naming the first line that breaks the chain
     */
    public static List<JsonNode> verify(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AuditException("cannot read audit file " + file + ": " + e.getMessage(), e);
        }
        List<JsonNode> records = new ArrayList<>();
        String prev = JsonLinesAuditSink.GENESIS;
        long expectedSeq = 1;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            JsonNode line;
            try {
                line = Json.mapper().readTree(text);
            } catch (IOException e) {
                throw new AuditException(
                        file + " line " + lineNo + " is not JSON: the audit log was edited or truncated");
            }
            if (line.get("seq") == null || line.get("seq").asLong() != expectedSeq) {
                throw new AuditException(file + " line " + lineNo + " has seq " + line.get("seq") + ", expected "
                        + expectedSeq + ": a record was removed, inserted or reordered");
            }
            if (!prev.equals(text(line, "prev"))) {
                throw new AuditException(file + " line " + lineNo
                        + " does not chain to the record before it: a record was removed or reordered");
            }
            String recomputed = JsonLinesAuditSink.chainHash(prev, line.get("event"));
            if (!recomputed.equals(text(line, "hash"))) {
                throw new AuditException(file + " line " + lineNo + " (seq " + expectedSeq
                        + ") was changed after it was written: its hash does not match its content");
            }
            prev = recomputed;
            expectedSeq++;
            records.add(line);
        }
        return records;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : v.asText();
    }
}
