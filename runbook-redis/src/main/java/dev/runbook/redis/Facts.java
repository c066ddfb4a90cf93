package dev.runbook.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;

/** Turns facts into the JSON a plan holds, exactly as a plan read back from JSON holds it. */
final class Facts {
    private Facts() {}

    /**
     * The JSON tree of {@code value} as parsed from text, so that numbers have the node types Jackson
     * reads back (a {@code long} of 301 becomes an int node) and a plan equals itself after a JSON trip.
     */
    static JsonNode json(Object value) {
        return Json.read(Json.write(value), JsonNode.class);
    }
}
