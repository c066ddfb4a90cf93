package dev.runbook.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted action on an in-memory map: sets one key to a value. It counts plan and apply calls, and a
 * test can make it crash (throw an Error) or fail around its change, fail verification, or claim a
 * bigger blast radius.
 */
final class SetValue implements Action {
    final Map<String, String> store;
    final String key;
    final String value;
    final AtomicInteger plans = new AtomicInteger();
    final AtomicInteger applies = new AtomicInteger();
    final List<String> keys = new CopyOnWriteArrayList<>();
    private boolean destructive = true;
    private long radius = 1;
    private Runnable beforePlan = () -> {};
    private Runnable beforeChange = () -> {};
    private Runnable afterChange = () -> {};
    private boolean verifies = true;

    SetValue(Map<String, String> store, String key, String value) {
        this.store = store;
        this.key = key;
        this.value = value;
    }

    record Observed(String key, String value) {}

    SetValue destructive(boolean d) {
        this.destructive = d;
        return this;
    }

    SetValue radius(long keys) {
        this.radius = keys;
        return this;
    }

    SetValue beforePlan(Runnable r) {
        this.beforePlan = r;
        return this;
    }

    SetValue beforeChange(Runnable r) {
        this.beforeChange = r;
        return this;
    }

    SetValue afterChange(Runnable r) {
        this.afterChange = r;
        return this;
    }

    SetValue failVerification() {
        this.verifies = false;
        return this;
    }

    @Override
    public String type() {
        return "test.setValue";
    }

    @Override
    public String target() {
        return "map key " + key;
    }

    @Override
    public Map<String, String> parameters() {
        return value == null ? Map.of() : Map.of("value", value);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        plans.incrementAndGet();
        beforePlan.run();
        Observed now = new Observed(key, store.get(key));
        if (Objects.equals(now.value(), value)) {
            return StepPlan.unchanged(this, key + " is already " + value, now);
        }
        return StepPlan.builder(this)
                .summary("set " + key + " from " + now.value() + " to " + value)
                .before(now)
                .after(new Observed(key, value))
                .blastRadius("keys", radius)
                .resource(key)
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        applies.incrementAndGet();
        keys.add(ctx.idempotencyKey());
        Observed now = new Observed(key, store.get(key));
        if (Objects.equals(now.value(), value)) {
            return ApplyResult.unchanged(key + " is already " + value).build();
        }
        plan.requireUnchanged(now);
        beforeChange.run();
        if (value == null) {
            store.remove(key);
        } else {
            store.put(key, value);
        }
        afterChange.run();
        return ApplyResult.changed("set " + key + " to " + value)
                .count("keys", 1)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        return verifies && Objects.equals(store.get(key), value)
                ? Verification.passed(key + " is " + value)
                : Verification.failed(key + " is " + store.get(key) + ", wanted " + value);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return Optional.of(new SetValue(store, key, plan.before(Observed.class).value()));
    }

    @Override
    public boolean destructive() {
        return destructive;
    }
}
