package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Checks a {@link JsonLinesAuditSink} file: sequence numbers consecutive from 1, each record's {@code
 * prev} equal to the previous {@code hash}, and each {@code hash} recomputed from its content. A changed,
 * removed, inserted or reordered record fails with the line number.
 *
 * <p>Records cut off the end leave a valid, shorter chain. To detect that, keep the sink's {@link
 * JsonLinesAuditSink#head()} somewhere else when the run ends and pass it to {@link #verify(Path,
 * String)}: the file's last hash must equal it.
 *
 * <pre>{@code
 * List<JsonNode> records = AuditLogVerifier.verify(Path.of("audit.jsonl"), headKeptInTheTicket);
 * }</pre>
 */
public final class AuditLogVerifier {
    private AuditLogVerifier() {}

    /**
     * Verifies the chain and that it ends at {@code expectedHead} (a {@link JsonLinesAuditSink#head()}
     * stored elsewhere), and returns the records. A file with more records than when the head was
     * taken fails too: take the head again after each run.
     *
     * @throws AuditException naming the first line that breaks the chain, or saying that the file does
     *     not end at the expected head (records were removed from its end)
     */
    public static List<JsonNode> verify(Path file, String expectedHead) {
        List<JsonNode> records = verify(file);
        String last = records.isEmpty()
                ? JsonLinesAuditSink.GENESIS
                : records.get(records.size() - 1).get("hash").asText();
        if (!last.equals(expectedHead)) {
            boolean known =
                    records.stream().anyMatch(r -> r.get("hash").asText().equals(expectedHead));
            throw new AuditException(file + " ends at record " + records.size() + " with hash " + abbrev(last)
                    + ", not at the expected head " + abbrev(expectedHead) + ": "
                    + (known
                            ? "records were appended after the head was taken; take the head again"
                            : "records were removed from its end (or the head belongs to another file)"));
        }
        return records;
    }

    /**
     * Verifies the chain and returns the records. This cannot detect records removed from the end; use
     * {@link #verify(Path, String)} with a stored head for that.
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
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            try {
                records.add(Json.mapper().readTree(text));
            } catch (IOException e) {
                throw new AuditException(
                        file + " line " + (i + 1) + " is not JSON: the audit log was edited or truncated");
            }
            names.add(file + " line " + (i + 1));
        }
        return check(records, names::get);
    }

    /**
     * Verifies records that a sink stored elsewhere (a database collection), read back in {@code seq}
     * order as {@code {seq, prev, event, hash}} trees ({@link AuditChain#link}), and returns them.
     *
     * @param source what the records are, for messages: {@code mongodb smp.runbook_audit}
     * @throws AuditException naming the first record that breaks the chain
     */
    public static List<JsonNode> verify(List<JsonNode> records, String source) {
        return check(records, i -> source + " record " + (i + 1));
    }

    /**
     * As {@link #verify(List, String)}, and the chain must end at {@code expectedHead}.
     *
     * @throws AuditException naming the first record that breaks the chain, or saying that records were
     *     removed from its end
     */
    public static List<JsonNode> verify(List<JsonNode> records, String source, String expectedHead) {
        verify(records, source);
        String last = records.isEmpty()
                ? AuditChain.GENESIS
                : records.get(records.size() - 1).get("hash").asText();
        if (!last.equals(expectedHead)) {
            boolean known =
                    records.stream().anyMatch(r -> r.get("hash").asText().equals(expectedHead));
            throw new AuditException(source + " ends at record " + records.size() + " with hash " + abbrev(last)
                    + ", not at the expected head " + abbrev(expectedHead) + ": "
                    + (known
                            ? "records were appended after the head was taken; take the head again"
                            : "records were removed from its end (or the head belongs to another log)"));
        }
        return records;
    }

    private static List<JsonNode> check(List<JsonNode> records, IntFunction<String> name) {
        String prev = AuditChain.GENESIS;
        long expectedSeq = 1;
        for (int i = 0; i < records.size(); i++) {
            JsonNode line = records.get(i);
            String where = name.apply(i);
            if (line.get("seq") == null || line.get("seq").asLong() != expectedSeq) {
                throw new AuditException(where + " has seq " + line.get("seq") + ", expected " + expectedSeq
                        + ": a record was removed, inserted or reordered");
            }
            if (!prev.equals(text(line, "prev"))) {
                throw new AuditException(
                        where + " does not chain to the record before it: a record was removed or reordered");
            }
            JsonNode event = line.get("event");
            String recomputed = event == null ? null : AuditChain.hash(prev, event);
            if (recomputed == null || !recomputed.equals(text(line, "hash"))) {
                throw new AuditException(where + " (seq " + expectedSeq
                        + ") was changed after it was written: its hash does not match its content");
            }
            prev = recomputed;
            expectedSeq++;
        }
        return records;
    }

    private static String abbrev(String hash) {
        return hash == null || hash.length() < 12 ? String.valueOf(hash) : hash.substring(0, 12);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : v.asText();
    }
}
