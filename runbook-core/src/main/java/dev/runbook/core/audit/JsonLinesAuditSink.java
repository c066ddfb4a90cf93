package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An append-only JSON-lines audit file whose records are hash-chained: each line carries {@code seq},
 * {@code prev} (the previous line's hash) and {@code hash} = SHA-256 of {@code prev} and the event's
 * JSON. {@link AuditLogVerifier} detects a changed, removed or reordered record. Each write is forced to
 * disk before it returns.
 *
 * <pre>{@code
 * try (var sink = JsonLinesAuditSink.open(Path.of("audit.jsonl"))) { engine(sink).apply(rb, plan); }
 * AuditLogVerifier.verify(Path.of("audit.jsonl")); // throws AuditException if tampered
 * }</pre>
 */
public final class JsonLinesAuditSink implements AuditSink {
    /** The {@code prev} of the first record. */
    public static final String GENESIS = "0".repeat(64);

    private final Path file;
    private final FileChannel channel;
    private String lastHash;
    private long seq;

    private JsonLinesAuditSink(Path file, FileChannel channel, String lastHash, long seq) {
        this.file = file;
        this.channel = channel;
        this.lastHash = lastHash;
        this.seq = seq;
    }

    /**
     * Opens (or creates) an audit file and continues its chain. An existing file is verified first.
     *
     * @throws AuditException if the file cannot be opened or its chain is broken
     */
    public static JsonLinesAuditSink open(Path file) {
        try {
            String last = GENESIS;
            long seq = 0;
            if (Files.exists(file)) {
                List<JsonNode> records = AuditLogVerifier.verify(file);
                if (!records.isEmpty()) {
                    JsonNode tail = records.get(records.size() - 1);
                    last = tail.get("hash").asText();
                    seq = tail.get("seq").asLong();
                }
            } else if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new JsonLinesAuditSink(file, ch, last, seq);
        } catch (IOException e) {
            throw new AuditException(
                    "cannot open audit file " + file + ": " + e.getMessage() + "; check the path and its permissions",
                    e);
        }
    }

    @Override
    public synchronized void write(AuditEvent event) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("seq", seq + 1);
        line.put("prev", lastHash);
        line.set("event", Json.tree(event));
        String hash = chainHash(lastHash, line.get("event"));
        line.put("hash", hash);
        byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            var buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new AuditException(
                    "cannot append to audit file " + file + ": " + e.getMessage()
                            + "; the run stops before its next change; fix the file system and resume the run",
                    e);
        }
        seq++;
        lastHash = hash;
    }

    /** The hash that chains a record to its predecessor. */
    static String chainHash(String prev, JsonNode event) {
        return Json.sha256(prev + "\n" + Json.write(event));
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new AuditException("cannot close audit file " + file + ": " + e.getMessage(), e);
        }
    }
}
