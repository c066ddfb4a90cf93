package dev.runbook.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditChainTest {
    @TempDir
    Path dir;

    private static AuditEvent event(int i) {
        return new AuditEvent(
                "e" + i,
                Instant.ofEpochSecond(i),
                AuditEvent.Type.STEP_STARTED,
                "s" + i,
                "run",
                "RB",
                null,
                "me",
                "01",
                null,
                "step " + i,
                null);
    }

    private static List<JsonNode> chain(int n) {
        List<JsonNode> out = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            ObjectNode r = AuditChain.link(i, prev, event(i));
            prev = r.get("hash").asText();
            out.add(r);
        }
        return out;
    }

    @Test
    void recordsMadeByLinkAreTheFileSinksLines_andVerifyTheSameWay() throws Exception {
        Path file = dir.resolve("a.jsonl");
        String head;
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            for (int i = 1; i <= 3; i++) {
                sink.write(event(i));
            }
            head = sink.head();
        }
        List<JsonNode> fromFile = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            fromFile.add(Json.mapper().readTree(line));
        }
        assertThat(chain(3).stream().map(r -> r.get("hash").asText()))
                .containsExactlyElementsOf(
                        fromFile.stream().map(r -> r.get("hash").asText()).toList());
        assertThat(AuditChain.verify(chain(3), "test", head)).hasSize(3);
        assertThat(AuditChain.verify(fromFile, "the file's lines", head)).hasSize(3);
    }

    @Test
    void aChangedRemovedOrCutRecordIsNamed() {
        List<JsonNode> changed = chain(3);
        ((ObjectNode) changed.get(1).get("event")).put("message", "edited");
        assertThatThrownBy(() -> AuditChain.verify(changed, "idx", null))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("idx record 2")
                .hasMessageContaining("was changed after it was written");

        List<JsonNode> removed = chain(3);
        removed.remove(1);
        assertThatThrownBy(() -> AuditChain.verify(removed, "idx", null)).hasMessageContaining("has seq 3, expected 2");

        List<JsonNode> full = chain(3);
        String head = full.get(2).get("hash").asText();
        assertThatThrownBy(() -> AuditChain.verify(full.subList(0, 2), "idx", head))
                .hasMessageContaining("not at the expected head");
    }
}
