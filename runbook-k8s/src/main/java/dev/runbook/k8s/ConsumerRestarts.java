package dev.runbook.k8s;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Guards;
import dev.runbook.core.Json;
import dev.runbook.core.Sleeper;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Throttle;
import dev.runbook.core.Verification;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The follow-up restarts of a ConfigMap's consumers ({@link SetConfigValue#thenRestart}): one {@link
 * RestartDeployment} per workload, each with the step's idempotency key plus {@code /restart/<workload>}, so
 * that a rerun sees which restarts it already did.
 */
final class ConsumerRestarts {
    private final K8sTarget k8s;
    private final String namespace;
    private final K8sSettings settings;
    private final List<String> workloads;

    ConsumerRestarts(K8sTarget k8s, String namespace, K8sSettings settings, List<String> workloads) {
        this.k8s = k8s;
        this.namespace = namespace;
        this.settings = settings;
        this.workloads = List.copyOf(workloads);
    }

    /** Same, with more workloads ({@code deployment/x}, {@code sts/y}), named as {@code kind/name}. */
    ConsumerRestarts with(String... kindSlashNames) {
        List<String> all = new ArrayList<>(workloads);
        for (String w : kindSlashNames) {
            WorkloadRef ref = WorkloadRef.of(k8s.context(), namespace, w);
            all.add(ref.kind().label() + "/" + ref.name());
        }
        return new ConsumerRestarts(k8s, namespace, settings, all);
    }

    List<String> workloads() {
        return workloads;
    }

    boolean isEmpty() {
        return workloads.isEmpty();
    }

    private RestartDeployment action(int i) {
        return new RestartDeployment(
                k8s,
                WorkloadRef.of(k8s.context(), namespace, workloads.get(i)),
                false,
                false,
                RestartDeployment.DEFAULT_TIMEOUT,
                settings);
    }

    /** Whether any restart is destructive (none is today: the old pods keep serving until replaced). */
    boolean destructive() {
        for (int i = 0; i < workloads.size(); i++) {
            if (action(i).destructive()) {
                return true;
            }
        }
        return false;
    }

    /** Each restart's plan, in order. */
    List<StepPlan> plan(ActionContext ctx) {
        List<StepPlan> plans = new ArrayList<>();
        for (int i = 0; i < workloads.size(); i++) {
            plans.add(action(i).plan(context(ctx, workloads.get(i))));
        }
        return plans;
    }

    /** The restart plans stored in {@code plan}'s details under {@code restarts}. */
    static List<StepPlan> reviewed(StepPlan plan) {
        List<StepPlan> out = new ArrayList<>();
        plan.details().path("restarts").forEach(n -> out.add(Json.read(n.toString(), StepPlan.class)));
        return out;
    }

    /**
     * Plans each restart again and refuses when one would refuse or observes something else than its
     * reviewed plan: called before the ConfigMap is written.
     */
    void requireUnchanged(List<StepPlan> reviewed, ActionContext ctx) {
        List<StepPlan> now = plan(ctx);
        for (int i = 0; i < reviewed.size(); i++) {
            if (!now.get(i).fingerprint().equals(reviewed.get(i).fingerprint())) {
                throw new StalePlanException(reviewed.get(i).target() + " changed since the plan (planned: "
                        + reviewed.get(i).summary() + "; now: " + now.get(i).summary()
                        + "); nothing was changed: plan again and review the new plan");
            }
        }
    }

    /** Applies restart {@code i} as reviewed (UNCHANGED when its plan was). */
    ApplyResult apply(int i, StepPlan reviewed, ActionContext ctx) {
        return reviewed.isNoop()
                ? ApplyResult.unchanged(reviewed.summary()).build()
                : action(i).apply(reviewed, context(ctx, workloads.get(i)));
    }

    /** The first restart whose verification fails, or passed. */
    Verification verify(List<StepPlan> reviewed, ApplyResult result, ActionContext ctx) {
        for (int i = 0; i < reviewed.size(); i++) {
            Verification v = action(i).verify(reviewed.get(i), result, context(ctx, workloads.get(i)));
            if (!v.ok()) {
                return v;
            }
        }
        return Verification.passed(workloads + " restarted");
    }

    /** The context of one restart: the step's, with its own idempotency key. */
    private static ActionContext context(ActionContext ctx, String workload) {
        return new ActionContext() {
            @Override
            public String runId() {
                return ctx.runId();
            }

            @Override
            public String stepId() {
                return ctx.stepId();
            }

            @Override
            public String idempotencyKey() {
                return ctx.idempotencyKey() + "/restart/" + workload;
            }

            @Override
            public Clock clock() {
                return ctx.clock();
            }

            @Override
            public Sleeper sleeper() {
                return ctx.sleeper();
            }

            @Override
            public Guards guards() {
                return ctx.guards();
            }

            @Override
            public Throttle throttle(String name, double permitsPerSecond) {
                return ctx.throttle(name, permitsPerSecond);
            }

            @Override
            public void progress(String what, long done, long total) {
                ctx.progress(what, done, total);
            }
        };
    }
}
