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
 * JSON. {@link AuditLogVerifier} detects a changed, removed, inserted or reordered record. Each write is
 * forced to disk before it returns.
 *
 * <p>The chain alone cannot show that records were cut off the end of the file: the shorter file is a
 * valid chain too. Store {@link #head()} somewhere the file's writer cannot rewrite (the incident
 * ticket, another sink, a second machine) and pass it to {@link AuditLogVerifier#verify(Path, String)}.
 *
 * <p>After one failed write the sink refuses every later one: a torn line would break the chain, so
 * the run stops (audit fails closed) and the file must be checked before it is opened again.
 *
 * <pre>{@code
 * String head;
 * try (var sink = JsonLinesAuditSink.open(Path.of("audit.jsonl"))) {
 *     engine(sink).apply(rb, plan);
 *     head = sink.head();                                  // keep it elsewhere
 * }
 * AuditLogVerifier.verify(Path.of("audit.jsonl"), head);   // throws AuditException if tampered
 * }</pre>
 */
public final class JsonLinesAuditSink implements AuditSink {
    /** The {@code prev} of the first record. */
    public static final String GENESIS = AuditChain.GENESIS;

    private final Path file;
    private final FileChannel channel;
    private String lastHash;
    private long seq;
    private String broken;

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

    /**
     * Appends one record to the chain and forces it to disk.
     *
     * @throws AuditException if it cannot be written, or an earlier write failed
     */
    @Override
    public synchronized void write(AuditEvent event) {
        if (broken != null) {
            throw new AuditException("audit file " + file + " refuses writes since an earlier write failed (" + broken
                    + "); verify it with AuditLogVerifier, fix it, and open it again");
        }
        ObjectNode line = AuditChain.link(seq + 1, lastHash, Json.tree(event));
        String hash = line.get("hash").asText();
        byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            var buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            broken = String.valueOf(e.getMessage());
            throw new AuditException(
                    "cannot append to audit file " + file + ": " + e.getMessage()
                            + "; the run stops before its next change; fix the file system and resume the run",
                    e);
        }
        seq++;
        lastHash = hash;
    }

    /**
     * The hash of the last record written (or {@link #GENESIS} for an empty file): the anchor that lets
     * {@link AuditLogVerifier#verify(Path, String)} detect records cut off the end.
     */
    public synchronized String head() {
        return lastHash;
    }

    /** How many records the file holds. */
    public synchronized long size() {
        return seq;
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
