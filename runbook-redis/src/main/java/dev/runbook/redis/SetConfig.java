package dev.runbook.redis;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code CONFIG SET parameter value} on one node, recording the previous value so that the inverse
 * restores it (INC-004: {@code CONFIG SET maxmemory-policy allkeys-lru}).
 *
 * <pre>{@code
 * SetConfig lru = redis.setConfig("maxmemory-policy", "allkeys-lru");
 * StepPlan plan = lru.plan(ctx);     // "set maxmemory-policy from noeviction to allkeys-lru"
 * lru.apply(plan, ctx);
 * lru.inverse(plan);                 // SetConfig back to noeviction
 * }</pre>
 *
 * <p>Secret parameters ({@code requirepass}, {@code masterauth}, {@code tls-key-file-pass}, {@code
 * tls-client-key-file-pass}) never print: the plan, its JSON, the result and the audit say {@code (secret)}
 * for the old and the new value, the new value is bound into the plan as a keyed hash ({@link
 * dev.runbook.core.Secret}), and such a change has no inverse, since the old value is not recorded.
 *
 * <p>Throws {@link RefusedException} from {@link #plan} for a parameter the server does not know, and from
 *     {@link #apply} for a value it rejects
 */
public final class SetConfig implements Action {
    /** Parameters whose values are passwords: never shown, bound as keyed hashes, without an inverse. */
    static final java.util.Set<String> SECRET_PARAMETERS =
            java.util.Set.of("requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass");

    private static final String HIDDEN = "(secret)";

    private final RedisTarget redis;
    private final String parameter;
    private final String value;

    SetConfig(RedisTarget redis, String parameter, String value) {
        if (parameter == null || parameter.isBlank() || parameter.contains("*")) {
            throw new IllegalArgumentException(
                    "name one config parameter, such as 'maxmemory-policy', was '" + parameter + "'");
        }
        if (value == null) {
            throw new IllegalArgumentException("config value for '" + parameter + "' is null");
        }
        this.redis = redis;
        this.parameter = parameter.toLowerCase(Locale.ROOT);
        this.value = value;
    }

    /** Whether this parameter's values are secrets that never print. */
    private boolean secret() {
        return SECRET_PARAMETERS.contains(parameter);
    }

    /** A value as people see it: {@code (secret)} for a secret parameter. */
    private String shown(String v) {
        return secret() ? HIDDEN : v;
    }

    /**
     * A parameter's value.
     *
     * @param parameter the config parameter
     * @param value its value as CONFIG GET shows it
     */
    public record ConfigValue(String parameter, String value) {}

    @Override
    public String type() {
        return "redis.setConfig";
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(redis.endpoint());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("configs");
    }

    @Override
    public String target() {
        return redis.name() + " config " + parameter;
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param parameter the config parameter
     * @param value the value to set, or null for a secret parameter
     * @param secretValue the value of a secret parameter (bound as a keyed hash, never shown), else null
     */
    public record Params(String parameter, String value, dev.runbook.core.Secret secretValue) {}

    @Override
    public Params parameters() {
        return secret()
                ? new Params(parameter, null, dev.runbook.core.Secret.of(value))
                : new Params(parameter, value, null);
    }

    @Override
    public boolean destructive() {
        return false;
    }

    /** The current value as the server has it (a secret one included: compare it, never show it). */
    private String readRaw() {
        Map<String, String> got =
                redis.call("CONFIG GET " + parameter, () -> redis.sync().configGet(parameter));
        String v = got.get(parameter);
        if (v == null) {
            throw new RefusedException(redis.name() + " has no config parameter '" + parameter
                    + "'; check the name (redis-cli CONFIG GET '*' lists them)");
        }
        return v;
    }

    /** The current value as plans, results and the audit record it: a secret one as {@code (secret)}. */
    private ConfigValue read() {
        return new ConfigValue(parameter, shown(readRaw()));
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        String raw = readRaw();
        ConfigValue now = new ConfigValue(parameter, shown(raw));
        if (matches(raw)) {
            return StepPlan.unchanged(this, parameter + " is already " + now.value() + " on " + redis.name(), now);
        }
        StepPlan.Builder b = StepPlan.builder(this)
                .summary("set " + parameter + " from " + now.value() + " to " + shown(value) + " on " + redis.name())
                .before(now)
                .after(new ConfigValue(parameter, shown(value)))
                .blastRadius("configs", 1)
                .resource(parameter);
        if (secret()) {
            b.warning(parameter + " is a secret: the plan records neither its old nor its new value, so this change"
                    + " has no inverse; keep the old value where you can restore it from");
        }
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ConfigValue now = read();
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(now);
        redis.call("CONFIG SET " + parameter + " " + shown(value), () -> redis.sync()
                .configSet(parameter, value));
        return ApplyResult.changed(
                        "set " + parameter + " from " + now.value() + " to " + shown(value) + " on " + redis.name())
                .count("configs", 1)
                .details(read())
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        String raw = readRaw();
        ConfigValue now = new ConfigValue(parameter, shown(raw));
        return matches(raw)
                ? Verification.passed(parameter + " is " + now.value(), now)
                : Verification.failed(
                        parameter + " is " + now.value() + ", expected " + shown(value)
                                + (secret() ? " (a different value)" : ""),
                        now);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        if (secret()) {
            return Optional.empty(); // the old value was never recorded
        }
        ConfigValue before = plan.before(ConfigValue.class);
        return Optional.of(new SetConfig(redis, parameter, before.value()));
    }

    /** Whether the server's value is the wanted one: a secret exactly, anything else as {@link #same}. */
    private boolean matches(String raw) {
        return secret() ? raw.equals(value) : same(raw, value);
    }

    /** Compares as Redis does: case-insensitive, memory units ({@code 100mb}) in bytes. */
    static boolean same(String current, String wanted) {
        return normalise(current).equals(normalise(wanted));
    }

    static String normalise(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)(k|kb|m|mb|g|gb)").matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long mult =
                    switch (m.group(2)) {
                        case "k" -> 1000L;
                        case "kb" -> 1024L;
                        case "m" -> 1000L * 1000;
                        case "mb" -> 1024L * 1024;
                        case "g" -> 1000L * 1000 * 1000;
                        default -> 1024L * 1024 * 1024;
                    };
            return String.valueOf(n * mult);
        }
        return s;
    }

    @Override
    public String toString() {
        return "SetConfig[" + target() + " = " + shown(value) + "]";
    }
}
