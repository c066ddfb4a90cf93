package dev.runbook.test;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A tiny action on a map, to test the contract kit itself. */
final class PutValue implements Action {
    private final Map<String, String> store;
    private final String key;
    private final String value;
    private final boolean bindsValue;

    PutValue(Map<String, String> store, String key, String value) {
        this(store, key, value, true);
    }

    private PutValue(Map<String, String> store, String key, String value, boolean bindsValue) {
        this.store = store;
        this.key = key;
        this.value = value;
        this.bindsValue = bindsValue;
    }

    /** The defect the kit must catch: apply writes a value that parameters() leaves out. */
    static PutValue forgettingItsValue(Map<String, String> store, String key, String value) {
        return new PutValue(store, key, value, false);
    }

    record Observed(String key, String value) {}

    @Override
    public String type() {
        return "test.putValue";
    }

    @Override
    public String target() {
        return "map key " + key;
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("keys");
    }

    @Override
    public Map<String, String> parameters() {
        return bindsValue ? Map.of("value", value) : Map.of();
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Observed now = new Observed(key, store.get(key));
        if (Objects.equals(now.value(), value)) {
            return StepPlan.unchanged(this, key + " is already " + value, now);
        }
        return StepPlan.builder(this)
                .summary("set " + key + " from " + now.value() + " to " + value)
                .before(now)
                .after(new Observed(key, value))
                .blastRadius("keys", 1)
                .resource(key)
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Observed now = new Observed(key, store.get(key));
        if (Objects.equals(now.value(), value)) {
            return ApplyResult.unchanged(key + " is already " + value).build();
        }
        plan.requireUnchanged(now);
        store.put(key, value);
        return ApplyResult.changed("set " + key + " to " + value)
                .count("keys", 1)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        return Objects.equals(store.get(key), value)
                ? Verification.passed(key + " is " + value)
                : Verification.failed(key + " is " + store.get(key) + ", not " + value);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return Optional.of(new PutValue(store, key, plan.before(Observed.class).value()));
    }
}
