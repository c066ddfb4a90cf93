package dev.runbook.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An action's {@link Action#parameters()} in the canonical form a plan records and apply compares:
 * JSON with sorted keys, sets sorted, and each {@link Secret} replaced by its keyed hash ({@link
 * BindingKey}). Two actions with the same parameters give equal trees in any JVM; a secret never
 * appears.
 *
 * <pre>{@code
 * JsonNode reviewed = Parameters.of(redis.setConfig("maxmemory-policy", "allkeys-lru"), key);
 * JsonNode now = Parameters.of(redis.setConfig("maxmemory-policy", "volatile-ttl"), key);
 * Parameters.differences(reviewed, now);
 * // [parameter 'value' is now "volatile-ttl"; the reviewed plan had "allkeys-lru"]
 * }</pre>
 */
public final class Parameters {
    private static final String KEY_ATTRIBUTE = Parameters.class.getName() + ".key";
    private static final ObjectWriter WRITER =
            Json.mapper().copy().registerModule(canonicalModule()).writer();

    private Parameters() {}

    /**
     * The canonical form of {@code action.parameters()}: a JSON object (an action without parameters
     * gives an empty one).
     *
     * @throws RefusedException if the parameters cannot be written as JSON (a lambda or a client among
     *     them), naming the action and what to change
     */
    public static JsonNode of(Action action, BindingKey key) {
        Object params = action.parameters();
        JsonNode tree;
        try {
            tree = Json.mapper()
                    .readTree(WRITER.withAttribute(KEY_ATTRIBUTE, key).writeValueAsBytes(params));
        } catch (IOException | RuntimeException e) {
            throw new RefusedException("cannot record the parameters of " + action.type() + " on " + action.target()
                    + " (" + (params == null ? "null" : params.getClass().getName()) + "): " + e.getMessage()
                    + "; parameters() must return a record or map of plain values (strings, numbers, lists,"
                    + " records, Secret), not a client or a lambda");
        }
        if (!tree.isObject()) {
            throw new RefusedException("the parameters of " + action.type() + " on " + action.target()
                    + " must be a record or map of named parameters, was " + tree.getNodeType());
        }
        return tree;
    }

    /**
     * What differs between the parameters a plan reviewed and those of the action now, one sentence per
     * parameter (a JSON path such as {@code value} or {@code selection.maxRecords}), secrets never shown;
     * empty when they are the same.
     */
    public static List<String> differences(JsonNode reviewed, JsonNode now) {
        List<String> out = new ArrayList<>();
        diff("", reviewed, now, out);
        return out;
    }

    private static void diff(String path, JsonNode reviewed, JsonNode now, List<String> out) {
        if (reviewed != null && now != null && reviewed.equals(now)) {
            return;
        }
        if (reviewed != null
                && now != null
                && reviewed.isNumber()
                && now.isNumber()
                && reviewed.decimalValue().compareTo(now.decimalValue()) == 0) {
            return; // 100000.0 reviewed, 100000 now (or the plan passed through jq): the same number
        }
        if (reviewed != null && now != null && reviewed.isObject() && now.isObject()) {
            Set<String> names = new TreeSet<>();
            reviewed.fieldNames().forEachRemaining(names::add);
            now.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                diff(path.isEmpty() ? n : path + "." + n, reviewed.get(n), now.get(n), out);
            }
            return;
        }
        String name = path.isEmpty() ? "parameters" : "parameter '" + path + "'";
        if (isSecret(reviewed) || isSecret(now)) {
            out.add(secretDifference(name, reviewed, now));
            return;
        }
        out.add(name + " is now " + shown(now) + "; the reviewed plan had " + shown(reviewed));
    }

    private static boolean isSecret(JsonNode n) {
        return n != null && n.isTextual() && BindingKey.isHash(n.asText());
    }

    private static String secretDifference(String name, JsonNode reviewed, JsonNode now) {
        if (isSecret(reviewed) && isSecret(now)) {
            String was = BindingKey.keyIdOf(reviewed.asText());
            String is = BindingKey.keyIdOf(now.asText());
            if (!was.equals(is)) {
                return name + " is a secret that the plan bound with binding key " + was + ", and this engine's key is "
                        + is + ": apply with the key the plan was made with (RunbookEngine.builder().bindingKey(...)"
                        + " or " + BindingKey.ENVIRONMENT_VARIABLE + ")";
            }
            return name + " is now a different secret than in the reviewed plan (values are never shown)";
        }
        return name + " is now " + (isSecret(now) ? "a secret" : shown(now)) + "; the reviewed plan had "
                + (isSecret(reviewed) ? "a secret" : shown(reviewed)) + " (secret values are never shown)";
    }

    private static String shown(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "unset";
        }
        String s = n.toString();
        return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
    }

    private static SimpleModule canonicalModule() {
        SimpleModule m = new SimpleModule("runbook-parameters");
        m.addSerializer(Secret.class, new SecretHashSerializer());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Set<?>> setType = (Class) Set.class;
        m.addSerializer(setType, new SortedSetSerializer());
        return m;
    }

    /** A secret as its keyed hash under the key the writer carries. */
    private static final class SecretHashSerializer extends StdSerializer<Secret> {
        private static final long serialVersionUID = 1L;

        SecretHashSerializer() {
            super(Secret.class);
        }

        @Override
        public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            BindingKey key = (BindingKey) provider.getAttribute(KEY_ATTRIBUTE);
            if (key == null) {
                throw new IllegalStateException("no binding key");
            }
            gen.writeString(key.hash(value));
        }
    }

    /** A set's elements sorted by their canonical JSON, so that iteration order never matters. */
    private static final class SortedSetSerializer extends StdSerializer<Set<?>> {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings({"unchecked", "rawtypes"})
        SortedSetSerializer() {
            super((Class) Set.class);
        }

        @Override
        public void serialize(Set<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            List<JsonNode> items = new ArrayList<>();
            for (Iterator<?> it = value.iterator(); it.hasNext(); ) {
                TokenBuffer buf = new TokenBuffer(gen.getCodec(), false);
                provider.defaultSerializeValue(it.next(), buf);
                try (JsonParser parser = buf.asParser()) {
                    items.add(Json.mapper().readTree(parser));
                }
            }
            items.sort(Comparator.comparing(JsonNode::toString));
            gen.writeStartArray();
            for (JsonNode n : items) {
                gen.writeTree(n);
            }
            gen.writeEndArray();
        }
    }
}
