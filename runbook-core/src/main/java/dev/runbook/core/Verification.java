package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The result of checking a post-condition once.
 *
 * <pre>{@code
 * return left == 0 ? Verification.passed("no key matches 'cache:*'")
 *                  : Verification.failed(left + " keys still match 'cache:*'", Map.of("left", left));
 * }</pre>
 *
 * @param status passed, failed (the engine may check again until its timeout) or skipped
 * @param message one sentence
 * @param observed what the check read
 */
public record Verification(Status status, String message, JsonNode observed) {

    /** The three ways a check can end. */
    public enum Status {
        PASSED,
        FAILED,
        SKIPPED
    }

    public Verification {
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
        observed = observed == null ? Json.tree(null) : observed;
    }

    /** Whether the post-condition holds (or there is none). */
    public boolean ok() {
        return status != Status.FAILED;
    }

    public static Verification passed(String message) {
        return new Verification(Status.PASSED, message, null);
    }

    public static Verification passed(String message, Object observed) {
        return new Verification(Status.PASSED, message, Json.tree(observed));
    }

    public static Verification failed(String message) {
        return new Verification(Status.FAILED, message, null);
    }

    public static Verification failed(String message, Object observed) {
        return new Verification(Status.FAILED, message, Json.tree(observed));
    }

    public static Verification skipped(String message) {
        return new Verification(Status.SKIPPED, message, null);
    }
}
