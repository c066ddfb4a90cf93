package dev.runbook.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.RunbookException;

/**
 * JSON trees as they read back from text: a {@code long} field becomes the same node type it has after a
 * write and a read, so a plan equals itself after a JSON round trip (the journal, resume).
 */
final class JsonTrees {

    private JsonTrees() {}

    static JsonNode of(Object value) {
        try {
            return Json.mapper().readTree(Json.write(value));
        } catch (JsonProcessingException e) {
            throw new RunbookException("cannot re-read " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
