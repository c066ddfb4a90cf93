package dev.runbook.redis;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import io.lettuce.core.SetArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ByteArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets a string key (the inventory fix's {@code SET inventory:101 ...}), recording its previous value and
 * expiry so that the inverse restores them, or deletes the key if it did not exist.
 *
 * <pre>{@code
 * SetKey fix = redis.setKey("inventory:101", "42").ttl(Duration.ofMinutes(30));
 * StepPlan plan = fix.plan(ctx);
 * fix.apply(plan, ctx);
 * }</pre>
 *
 * <p>A previous value that is not UTF-8 text (a serialized or compressed blob) is never decoded into the
 * plan, where it would be mangled: the plan shows its size and a hash, warns, and the change has no
 * inverse (restoring mangled text would corrupt the key).
 *
 * <p>Needs Redis 7.0+ ({@code PEXPIRETIME}). Throws {@link RefusedException} from {@link #plan} when the key holds another type than a string
 */
public final class SetKey implements Action {
    private final RedisTarget redis;
    private final KeyState wanted;
    private final long ttlMillis;

    SetKey(RedisTarget redis, String key, String value, long ttlMillis) {
        this(redis, new KeyState(key, true, value, -1), ttlMillis);
        if (value == null) {
            throw new IllegalArgumentException("value for key '" + key + "' is null");
        }
    }

    private SetKey(RedisTarget redis, KeyState wanted, long ttlMillis) {
        if (wanted.key() == null || wanted.key().isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        this.redis = redis;
        this.wanted = wanted;
        this.ttlMillis = ttlMillis;
    }

    /**
     * A string key's state.
     *
     * @param key the key
     * @param exists whether it exists
     * @param value its value, null when it does not exist; a value that is not UTF-8 text is described as
     *     {@code (8 bytes, not UTF-8 text, sha256 1a2b3c4d5e6f)}
     * @param expireAtMillis its expiry as epoch milliseconds ({@code PEXPIRETIME}), -1 for none
     */
    public record KeyState(String key, boolean exists, String value, long expireAtMillis) {}

    /**
     * Sets the key with this time to live.
     *
     * @throws IllegalArgumentException if the TTL is not positive
     */
    public SetKey ttl(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return new SetKey(redis, wanted, ttl.toMillis());
    }

    @Override
    public String type() {
        return "redis.setKey";
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(redis.endpoint());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("keys");
    }

    @Override
    public String target() {
        return redis.name() + " key " + wanted.key();
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param key the key
     * @param value the value to set
     * @param ttlMillis the time to live in milliseconds, or -1 for none
     */
    public record Params(String key, String value, long ttlMillis) {}

    @Override
    public Params parameters() {
        return new Params(wanted.key(), wanted.value(), ttlMillis);
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private KeyState read() {
        String key = wanted.key();
        return redis.call("read key " + key, () -> {
            String type = redis.sync().type(key);
            if ("none".equals(type)) {
                return new KeyState(key, false, null, -1);
            }
            if (!"string".equals(type)) {
                throw new RefusedException("key '" + key + "' on " + redis.name() + " is a " + type
                        + ", not a string; SetKey only replaces string values (delete it deliberately first)");
            }
            return new KeyState(key, true, text(raw(key)), redis.sync().pexpiretime(key));
        });
    }

    /** The value's bytes as stored, undecoded ({@code GET} on the shared text connection). */
    private byte[] raw(String key) {
        return redis.sync()
                .dispatch(
                        CommandType.GET,
                        new ByteArrayOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).addKey(key));
    }

    /** The bytes as text, or a description with a hash when they are not UTF-8 text. */
    static String text(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(value);
                return "(" + value.length + " bytes, not UTF-8 text, sha256 "
                        + java.util.HexFormat.of().formatHex(h, 0, 6) + ")";
            } catch (java.security.NoSuchAlgorithmException x) {
                throw new IllegalStateException("SHA-256 is part of every JDK", x);
            }
        }
    }

    /**
     * What the plan records about a previous value that is not text.
     *
     * @param bytes its length
     */
    record BinaryValue(int bytes) {}

    private boolean satisfied(KeyState now) {
        if (!wanted.exists()) {
            return !now.exists();
        }
        if (!now.exists() || !Objects.equals(now.value(), wanted.value())) {
            return false;
        }
        if (ttlMillis > 0) {
            return now.expireAtMillis() > 0;
        }
        return now.expireAtMillis() == wanted.expireAtMillis();
    }

    private String describe() {
        if (!wanted.exists()) {
            return "delete " + wanted.key();
        }
        String expiry = ttlMillis > 0
                ? " with TTL " + Duration.ofMillis(ttlMillis)
                : wanted.expireAtMillis() > 0 ? " expiring at epoch ms " + wanted.expireAtMillis() : "";
        return "set " + wanted.key() + " to '" + wanted.value() + "'" + expiry;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        KeyState now = read();
        if (satisfied(now)) {
            return StepPlan.unchanged(this, wanted.key() + " is already as wanted on " + redis.name(), now);
        }
        byte[] before = now.exists() ? redis.call("read key " + wanted.key(), () -> raw(wanted.key())) : null;
        boolean binary = before != null && !now.value().equals(new String(before, StandardCharsets.UTF_8));
        StepPlan.Builder b = StepPlan.builder(this)
                .summary(describe() + " on " + redis.name() + " (was "
                        + (!now.exists() ? "absent" : binary ? now.value() : "'" + now.value() + "'") + ")")
                .before(now)
                .after(wanted)
                .blastRadius("keys", 1)
                .resource(wanted.key());
        if (binary) {
            b.details(new BinaryValue(before.length))
                    .warning(wanted.key() + " holds " + before.length + " bytes that are not UTF-8 text; the plan"
                            + " cannot record them, so this change has no inverse: save them first if you may need"
                            + " them back (redis-cli --no-raw GET, or DUMP)");
        }
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        KeyState now = read();
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(now);
        if (ctx.guards().isProtected(wanted.key())) {
            throw new dev.runbook.core.GuardViolationException("key '" + wanted.key()
                    + "' matches a protected pattern " + ctx.guards().protectedPatterns()
                    + "; protected keys are never changed");
        }
        String key = wanted.key();
        redis.call(describe(), () -> {
            if (!wanted.exists()) {
                return redis.sync().del(key);
            }
            if (ttlMillis > 0) {
                return redis.sync().set(key, wanted.value(), SetArgs.Builder.px(ttlMillis));
            }
            if (wanted.expireAtMillis() > 0) {
                return redis.sync().set(key, wanted.value(), SetArgs.Builder.pxAt(wanted.expireAtMillis()));
            }
            return redis.sync().set(key, wanted.value());
        });
        return ApplyResult.changed(describe() + " on " + redis.name())
                .count("keys", 1)
                .details(read())
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        KeyState now = read();
        return satisfied(now)
                ? Verification.passed(wanted.key() + " is as wanted", now)
                : Verification.failed(wanted.key() + " is " + now + ", wanted " + wanted, now);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        if (plan.details(BinaryValue.class) != null) {
            return Optional.empty(); // the old bytes were not recorded
        }
        KeyState before = plan.before(KeyState.class);
        return Optional.of(new SetKey(redis, before, 0));
    }

    @Override
    public String toString() {
        return "SetKey[" + describe() + " on " + redis.name() + "]";
    }
}
