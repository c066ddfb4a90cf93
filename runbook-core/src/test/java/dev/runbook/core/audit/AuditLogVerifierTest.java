package dev.runbook.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogVerifierTest {
    @TempDir
    Path dir;

    private Path file;
    private String head;

    @BeforeEach
    void writeARun() {
        file = dir.resolve("audit").resolve("audit.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            run(sink);
            head = sink.head();
            assertThat(sink.size()).isGreaterThanOrEqualTo(6);
        }
    }

    private static void run(AuditSink sink) {
        Runbook rb = Runbook.builder("INC-13", "audit file")
                .precheck("up", Probe.of("up", () -> 1), dev.runbook.core.Conditions.atLeast(1))
                .manual("tell", "post in #oncall")
                .build();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(sink)
                .approvals(ApprovalGate.approveAll("bob", "ok"))
                .build();
        engine.apply(rb, engine.plan(rb));
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    @Test
    void anUntouchedFileVerifies_withAndWithoutItsHead() {
        assertThat(AuditLogVerifier.verify(file)).hasSizeGreaterThanOrEqualTo(6);
        assertThat(AuditLogVerifier.verify(file, head)).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void aChangedRecordFails() throws IOException {
        List<String> lines = lines();
        String changed = lines.get(2).replace("\"actor\":\"", "\"actor\":\"mallory-");
        assertThat(changed).isNotEqualTo(lines.get(2));
        lines.set(2, changed);
        write(lines);
        assertThatThrownBy(() -> AuditLogVerifier.verify(file))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("changed after it was written");
    }

    @Test
    void aRemovedRecordFails() throws IOException {
        List<String> lines = lines();
        lines.remove(2);
        write(lines);
        assertThatThrownBy(() -> AuditLogVerifier.verify(file))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("removed");
    }

    @Test
    void reorderedRecordsFail() throws IOException {
        List<String> lines = lines();
        String third = lines.get(2);
        lines.set(2, lines.get(3));
        lines.set(3, third);
        write(lines);
        assertThatThrownBy(() -> AuditLogVerifier.verify(file))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("reordered");
    }

    @Test
    void anInsertedRecordFails_evenWithItsSequenceNumberFixed() throws IOException {
        List<String> lines = lines();
        List<String> forged = new ArrayList<>(lines.subList(0, 2));
        forged.add(lines.get(1).replace("\"seq\":2", "\"seq\":3"));
        for (int i = 2; i < lines.size(); i++) {
            forged.add(lines.get(i).replace("\"seq\":" + (i + 1), "\"seq\":" + (i + 2)));
        }
        write(forged);
        assertThatThrownBy(() -> AuditLogVerifier.verify(file))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("does not chain");
    }

    @Test
    void aTruncatedTail_isCaughtOnlyWithTheStoredHead() throws IOException {
        List<String> lines = lines();
        lines.remove(lines.size() - 1);
        write(lines);

        assertThat(AuditLogVerifier.verify(file))
                .as("a shorter chain is still a chain")
                .hasSize(lines.size());
        assertThatThrownBy(() -> AuditLogVerifier.verify(file, head))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("removed from its end");
    }

    @Test
    void reopeningContinuesTheChain_andAnOldHeadSaysRecordsWereAppended() {
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            run(sink);
            String newHead = sink.head();
            assertThat(AuditLogVerifier.verify(file, newHead)).hasSize((int) sink.size());
        }
        assertThatThrownBy(() -> AuditLogVerifier.verify(file, head))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("appended after the head was taken");
    }

    @Test
    void openingATamperedFileFails() throws IOException {
        List<String> lines = lines();
        lines.remove(1);
        write(lines);
        assertThatThrownBy(() -> JsonLinesAuditSink.open(file)).isInstanceOf(AuditException.class);
    }

    @Test
    void afterAFailedWriteTheSinkRefusesEveryLaterOne() {
        JsonLinesAuditSink sink = JsonLinesAuditSink.open(file);
        sink.close();
        AuditEvent e = new AuditEvent(
                UUID.randomUUID().toString(),
                Instant.parse("2026-11-21T03:00:00Z"),
                AuditEvent.Type.RUN_STARTED,
                "span",
                "run-1",
                "INC-13",
                null,
                "alice",
                null,
                null,
                "x",
                null);
        assertThatThrownBy(() -> sink.write(e))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("cannot append");
        assertThatThrownBy(() -> sink.write(e))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("refuses writes");
        assertThat(AuditLogVerifier.verify(file, head)).isNotEmpty();
    }

    @Test
    void recordsStoredElsewhere_verifyWithTheSameChain_andTamperingIsNamedBySource() throws IOException {
        List<com.fasterxml.jackson.databind.JsonNode> records = new ArrayList<>();
        for (String line : lines()) {
            records.add(dev.runbook.core.Json.mapper().readTree(line));
        }
        assertThat(AuditLogVerifier.verify(records, "db.audit", head)).hasSameSizeAs(records);

        List<com.fasterxml.jackson.databind.JsonNode> linked = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (com.fasterxml.jackson.databind.JsonNode r : records) {
            com.fasterxml.jackson.databind.node.ObjectNode again =
                    AuditChain.link(r.get("seq").asLong(), prev, r.get("event").deepCopy());
            assertThat(dev.runbook.core.Json.write(again))
                    .as("link() writes what the file sink wrote")
                    .isEqualTo(dev.runbook.core.Json.write(r));
            linked.add(again);
            prev = again.get("hash").asText();
        }

        ((com.fasterxml.jackson.databind.node.ObjectNode) records.get(2).get("event")).put("actor", "mallory");
        assertThatThrownBy(() -> AuditLogVerifier.verify(records, "db.audit"))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("db.audit record 3 (seq 3) was changed after it was written");
        assertThatThrownBy(() -> AuditLogVerifier.verify(linked.subList(0, 4), "db.audit", head))
                .hasMessageContaining("records were removed from its end");
        assertThatThrownBy(() -> AuditChain.link(0, AuditChain.GENESIS, records.get(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
