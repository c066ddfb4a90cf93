package dev.runbook.test;

import dev.runbook.core.Action;
import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Step;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The team's production runbook with a fake in place of every action and probe: the same step ids,
 * titles, conditions, action types, targets, parameters, destructive flags and blast-radius names
 * ({@link FakeAction#of(Action)}), so the engine plans, binds, guards and approves it exactly as it does
 * the real one (same fingerprint), and nothing talks to a server. Script what the fakes observe, then
 * assert on the plan and report.
 *
 * <pre>{@code
 * RedisActions redis = RedisActions.connect("redis://orders-cache:6379");   // never connects here
 * RunbookFakes fakes = RunbookFakes.of(OrdersRunbooks.poisonedCache(redis));
 * fakes.probe("the-cache-holds-poisoned-entries").set(1_200L);
 * fakes.action("delete-the-orders-cache").blastRadius("keys", 1_200);
 * Plan plan = engine.plan(fakes.runbook());
 * }</pre>
 */
public final class RunbookFakes {
    private final Runbook production;
    private final Runbook runbook;
    private final Map<String, FakeAction> actions = new LinkedHashMap<>();
    private final Map<String, FakeProbe<?>> probes = new LinkedHashMap<>();

    private RunbookFakes(Runbook production) {
        this.production = production;
        Map<Probe<?>, FakeProbe<?>> byProbe = new IdentityHashMap<>();
        List<Step> steps = new ArrayList<>();
        for (Step s : production.steps()) {
            if (s instanceof Step.Act a) {
                FakeAction fake = FakeAction.of(a.action());
                actions.put(a.id(), fake);
                steps.add(new Step.Act(a.id(), a.title(), fake, a.verifyTimeout()));
            } else if (s instanceof Step.Check<?> c) {
                FakeProbe<?> fake = byProbe.computeIfAbsent(c.probe(), p -> FakeProbe.unscripted(p.name()));
                probes.put(c.id(), fake);
                steps.add(check(c, fake));
            } else if (s instanceof Step.Wait<?> w) {
                FakeProbe<?> fake = byProbe.computeIfAbsent(w.probe(), p -> FakeProbe.unscripted(p.name()));
                probes.put(w.id(), fake);
                steps.add(waitStep(w, fake));
            } else {
                steps.add(s);
            }
        }
        this.runbook = new Runbook(
                production.id(),
                production.title(),
                production.severity(),
                production.service(),
                production.links(),
                steps,
                production.onFailure());
    }

    /** Fakes for every action and probe of {@code production}. */
    public static RunbookFakes of(Runbook production) {
        return new RunbookFakes(production);
    }

    /** The runbook to plan and apply: the production one, with the fakes in it. */
    public Runbook runbook() {
        return runbook;
    }

    /** The production runbook the fakes stand in for. */
    public Runbook production() {
        return production;
    }

    /**
     * The fake in place of the action of step {@code stepId}.
     *
     * @throws IllegalArgumentException naming the action steps, if there is no such action step
     */
    public FakeAction action(String stepId) {
        FakeAction a = actions.get(stepId);
        if (a == null) {
            throw new IllegalArgumentException("runbook " + production.id() + " has no action step '" + stepId
                    + "'; its action steps are " + actions.keySet());
        }
        return a;
    }

    /**
     * The fake in place of the probe that step {@code stepId} (a precheck, wait or verification) reads;
     * steps that read the same probe share one fake. Unscripted, it fails to read: give it values with
     * {@link FakeProbe#set(Object)} or {@link FakeProbe#then(Object[])}.
     *
     * @param <T> the probe's value type, as the step's condition reads it
     * @throws IllegalArgumentException naming the probe steps, if there is no such step
     */
    @SuppressWarnings("unchecked")
    public <T> FakeProbe<T> probe(String stepId) {
        FakeProbe<?> p = probes.get(stepId);
        if (p == null) {
            throw new IllegalArgumentException("runbook " + production.id() + " has no check or wait step '" + stepId
                    + "'; those are " + probes.keySet());
        }
        return (FakeProbe<T>) p;
    }

    /** Every fake action, by step id. */
    public Map<String, FakeAction> actions() {
        return Map.copyOf(actions);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Step check(Step.Check<?> c, FakeProbe<?> fake) {
        return new Step.Check(c.id(), c.title(), c.kind(), (Probe) fake, (Condition) c.condition());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Step waitStep(Step.Wait<?> w, FakeProbe<?> fake) {
        return new Step.Wait(w.id(), w.title(), (Probe) fake, (Condition) w.condition(), w.timeout(), w.poll());
    }

    @Override
    public String toString() {
        return "RunbookFakes[" + production.id() + ": actions " + actions.keySet() + ", probes " + probes.keySet()
                + "]";
    }
}
