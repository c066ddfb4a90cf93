package dev.runbook.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key with which a plan binds the secrets among an action's {@link Action#parameters()}: a plan
 * records an HMAC-SHA256 of each secret value, never the value, so that a runbook rebuilt with another
 * token or password is refused like any other changed parameter, and nothing in the plan, its JSON, a
 * message or the audit lets anyone recover the secret.
 *
 * <p>Planning and applying must use the same key. An engine uses {@link #fromEnvironment()} unless
 * built with another: the value of {@code RUNBOOK_BINDING_KEY} when it is set (so that a plan saved by
 * one process can be applied by another, such as a bot), else a random key for the life of this JVM.
 * A plan whose secrets were bound with another key is refused, naming both key ids.
 *
 * <pre>{@code
 * RunbookEngine engine = RunbookEngine.builder()
 *     .bindingKey(BindingKey.of(Secret.of(System.getenv("RUNBOOK_BINDING_KEY"))))
 *     .build();
 * }</pre>
 */
public final class BindingKey {
    /** The environment variable {@link #fromEnvironment()} reads. */
    public static final String ENVIRONMENT_VARIABLE = "RUNBOOK_BINDING_KEY";

    private static final String PREFIX = "hmac-sha256:";
    private static final BindingKey PER_JVM = random();

    private final byte[] key;
    private final String id;

    private BindingKey(byte[] key) {
        this.key = key.clone();
        this.id = Json.sha256(HexFormat.of().formatHex(key)).substring(0, 12);
    }

    /**
     * A key from a secret (at least 16 characters; a random 32-byte hex string is right).
     *
     * @throws IllegalArgumentException if the secret is shorter than 16 characters
     */
    public static BindingKey of(Secret secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.reveal().length() < 16) {
            throw new IllegalArgumentException("a binding key needs at least 16 characters, such as the output of"
                    + " 'openssl rand -hex 32'; was " + secret.reveal().length());
        }
        return new BindingKey(secret.reveal().getBytes(StandardCharsets.UTF_8));
    }

    /** A new random key: plans bound with it can be applied only in this JVM. */
    public static BindingKey random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new BindingKey(k);
    }

    /** {@code RUNBOOK_BINDING_KEY} when it is set, else one random key for the life of this JVM. */
    public static BindingKey fromEnvironment() {
        String v = System.getenv(ENVIRONMENT_VARIABLE);
        return v == null || v.isEmpty() ? PER_JVM : of(Secret.of(v));
    }

    /** A short public id of the key (not the key): plans name it, so that a key mismatch is clear. */
    public String id() {
        return id;
    }

    /** The keyed hash of a secret value, as plans record it: {@code hmac-sha256:<key id>:<hex>}. */
    public String hash(Secret secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
            return PREFIX + id + ":" + HexFormat.of().formatHex(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** Whether a recorded value is a secret's keyed hash. */
    static boolean isHash(String recorded) {
        return recorded != null && recorded.startsWith(PREFIX);
    }

    /** The key id of a recorded keyed hash. */
    static String keyIdOf(String hash) {
        String rest = hash.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    @Override
    public String toString() {
        return "BindingKey[" + id + "]";
    }
}
