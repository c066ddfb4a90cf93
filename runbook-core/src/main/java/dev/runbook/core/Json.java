package dev.runbook.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one JSON configuration of the library: plans, reports, audit records and action state all use
 * it, so that a value's JSON and its fingerprint are the same everywhere.
 *
 * <pre>{@code
 * String json = Json.write(plan);
 * Plan again = Json.read(json, Plan.class);
 * }</pre>
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private Json() {}

    /** The shared mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Serialises a value to compact JSON with sorted keys.
     *
     * @throws RunbookException if the value cannot be serialised
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new RunbookException(
                    "cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Serialises a value to indented JSON, for people. */
    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new RunbookException(
                    "cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads JSON into a type.
     *
     * @throws RunbookException if the JSON does not fit the type
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new RunbookException(
                    "cannot read " + type.getSimpleName() + " from JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Converts any value (a record, a map, a tree) to a canonical JSON tree; null becomes JSON null.
     * The tree is the one reading the value's JSON text would give (an {@code int} and a {@code long}
     * both become the same number node), so that a value equals itself after a JSON round trip.
     *
     * @throws RunbookException if the value cannot be serialised
     */
    public static JsonNode tree(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        try {
            return MAPPER.readTree(MAPPER.writeValueAsBytes(value));
        } catch (java.io.IOException e) {
            throw new RunbookException(
                    "cannot convert " + value.getClass().getSimpleName() + " to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Converts a JSON tree back to a type.
     *
     * @throws RunbookException if the tree does not fit the type
     */
    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new RunbookException(
                    "cannot read " + type.getSimpleName() + " from " + node + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the value's canonical JSON (sorted keys), as lowercase hex. */
    public static String fingerprint(Object value) {
        JsonNode node = value instanceof JsonNode n ? n : tree(value);
        return sha256(write(node));
    }

    /**
     * The tree with every number that has an integral value written as an integer ({@code 100000.0}
     * becomes {@code 100000}): the number as JSON means it, not as Java typed it. jq, JavaScript and Go
     * rewrite {@code 100000.0} as {@code 100000}; a fingerprint over this form does not change when a
     * plan passes through them.
     */
    static JsonNode withCanonicalNumbers(JsonNode node) {
        if (node.isFloatingPointNumber() || node.isBigInteger()) {
            java.math.BigDecimal d = node.decimalValue().stripTrailingZeros();
            if (d.scale() <= 0) {
                java.math.BigInteger i = d.toBigIntegerExact();
                return i.bitLength() < 64
                        ? com.fasterxml.jackson.databind.node.LongNode.valueOf(i.longValue())
                        : com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(i);
            }
            return node;
        }
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = MAPPER.createObjectNode();
            node.fields().forEachRemaining(e -> o.set(e.getKey(), withCanonicalNumbers(e.getValue())));
            return o;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = MAPPER.createArrayNode();
            node.forEach(e -> a.add(withCanonicalNumbers(e)));
            return a;
        }
        return node;
    }

    /** SHA-256 of a UTF-8 string, as lowercase hex. */
    public static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
