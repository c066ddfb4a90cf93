package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.runbook.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The published schemas (src/main/resources/schema), loaded with networknt's json-schema-validator. */
final class Schemas {
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private Schemas() {}

    static Schema load(String name) {
        try (InputStream in = Schemas.class.getResourceAsStream("/schema/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no schema/" + name + " on the class path");
            }
            return REGISTRY.getSchema(Json.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that {@code json} is one JSON document (nothing before or after it: what {@code jq} reads
     * from stdout) valid against schema {@code name}; returns it parsed.
     */
    static JsonNode assertValid(String name, String json) {
        JsonNode node;
        try {
            node = Json.mapper()
                    .reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + e.getMessage() + "\n" + json, e);
        }
        List<Error> errors = load(name).validate(node);
        assertThat(errors).as("%s against schema/%s:\n%s", "output", name, json).isEmpty();
        return node;
    }

    /** The validation errors of {@code json} against schema {@code name}. */
    static List<Error> errors(String name, String json) {
        try {
            return load(name).validate(Json.mapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
