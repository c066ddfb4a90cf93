package dev.runbook.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A password, token or key that never prints: not in {@code toString}, logs, audit records or JSON.
 * Only {@link #reveal()} gives the value, for handing to a client library.
 *
 * <pre>{@code
 * Secret password = Secret.of(System.getenv("REDIS_PASSWORD"));
 * System.out.println(password); // Secret[****]
 * }</pre>
 */
public final class Secret {
    private static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @throws IllegalArgumentException if the value is null
     */
    public static Secret of(String value) {
        if (value == null) {
            throw new IllegalArgumentException("secret value is null; pass an empty string for 'no password'");
        }
        return new Secret(value);
    }

    /** The value itself. Hand it to a client; never log it. */
    public String reveal() {
        return value;
    }

    /** Whether the secret is the empty string. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Always the mask, so that JSON, audit records and plans carry no secret. */
    @JsonValue
    public String masked() {
        return MASK;
    }

    @Override
    public String toString() {
        return "Secret[" + MASK + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
