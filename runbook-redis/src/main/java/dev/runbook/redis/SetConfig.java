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
 * <p>Throws {@link RefusedException} from {@link #plan} for a parameter the server does not know, and from
 *     {@link #apply} for a value it rejects
 */
public final class SetConfig implements Action {
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
     * @param value the value to set
     */
    public record Params(String parameter, String value) {}

    @Override
    public Params parameters() {
        return new Params(parameter, value);
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private ConfigValue read() {
        Map<String, String> got =
                redis.call("CONFIG GET " + parameter, () -> redis.sync().configGet(parameter));
        String v = got.get(parameter);
        if (v == null) {
            throw new RefusedException(redis.name() + " has no config parameter '" + parameter
                    + "'; check the name (redis-cli CONFIG GET '*' lists them)");
        }
        return new ConfigValue(parameter, v);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ConfigValue now = read();
        if (same(now.value(), value)) {
            return StepPlan.unchanged(this, parameter + " is already " + now.value() + " on " + redis.name(), now);
        }
        return StepPlan.builder(this)
                .summary("set " + parameter + " from " + now.value() + " to " + value + " on " + redis.name())
                .before(now)
                .after(new ConfigValue(parameter, value))
                .blastRadius("configs", 1)
                .resource(parameter)
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ConfigValue now = read();
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(now);
        redis.call("CONFIG SET " + parameter + " " + value, () -> redis.sync().configSet(parameter, value));
        return ApplyResult.changed("set " + parameter + " from " + now.value() + " to " + value + " on " + redis.name())
                .count("configs", 1)
                .details(read())
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ConfigValue now = read();
        return same(now.value(), value)
                ? Verification.passed(parameter + " is " + now.value(), now)
                : Verification.failed(parameter + " is " + now.value() + ", expected " + value, now);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        ConfigValue before = plan.before(ConfigValue.class);
        return Optional.of(new SetConfig(redis, parameter, before.value()));
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
        return "SetConfig[" + target() + " = " + value + "]";
    }
}
