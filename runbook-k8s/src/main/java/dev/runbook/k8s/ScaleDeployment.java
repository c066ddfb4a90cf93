package dev.runbook.k8s;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code kubectl scale --replicas=N --current-replicas=<planned>} of a Deployment or StatefulSet through the
 * scale subresource, then a wait until N replicas are ready, not just requested (INC-001 scale to 5 and
 * back, INC-006, INC-007, scenario 3's scale to 0 and back). The inverse scales back to the planned count.
 *
 * <pre>{@code
 * ScaleDeployment up = k8s.scaleDeployment("smp-prod", "dispatch-engine", 5);
 * StepPlan plan = up.plan(ctx);            // "scale ... from 3 to 5 replicas"
 * up.apply(plan, ctx);                     // waits for 5 ready
 * up.inverse(plan).get();                  // scale back to 3
 * k8s.scaleDeployment("smp-prod", "order-consumer", 12).atMost(kafkaPartitions);   // INC-007
 * }</pre>
 *
 * <p>Guards: the plan's blast radius has {@code replicas} (the count asked for: a max-replicas budget with
 * {@code Guards.builder().budget("replicas", 10)}) and {@code pods} (how many are added or removed).
 *
 * @throws RefusedException from {@link #plan} when a HorizontalPodAutoscaler targets the workload (it would
 *     undo the change; {@link #despiteAutoscaler()} accepts it), when the count is above the {@link #atMost}
 *     bound, or for a missing or mistyped workload
 */
public final class ScaleDeployment implements Action {
    private final K8sTarget k8s;
    private final WorkloadRef ref;
    private final int replicas;
    private final boolean despiteAutoscaler;
    private final Probe<Integer> bound;
    private final Duration timeout;
    private final K8sSettings settings;
    private final Integer from;

    ScaleDeployment(K8sTarget k8s, WorkloadRef ref, int replicas, K8sSettings settings) {
        this(k8s, ref, replicas, false, null, RestartDeployment.DEFAULT_TIMEOUT, settings, null);
    }

    private ScaleDeployment(
            K8sTarget k8s,
            WorkloadRef ref,
            int replicas,
            boolean despiteAutoscaler,
            Probe<Integer> bound,
            Duration timeout,
            K8sSettings settings,
            Integer from) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 0 for " + ref + ", was " + replicas);
        }
        if (ref.kind() == WorkloadKind.DAEMONSET) {
            throw new IllegalArgumentException(ref + " is a DaemonSet: it runs one pod per node and has no replicas");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the wait timeout must be > 0, was " + timeout);
        }
        this.k8s = k8s;
        this.ref = ref;
        this.replicas = replicas;
        this.despiteAutoscaler = despiteAutoscaler;
        this.bound = bound;
        this.timeout = timeout;
        this.settings = settings;
        this.from = from;
    }

    /**
     * Every parameter apply uses.
     *
     * @param kind deployment or statefulset
     * @param namespace the namespace
     * @param name the workload
     * @param replicas the count to scale to
     * @param despiteAutoscaler scale although a HorizontalPodAutoscaler targets the workload
     * @param atMost the name of the probe bounding the count, or null
     * @param timeoutSeconds how long to wait for the replicas to be ready
     * @param afterScaleTo the count an earlier step leaves and the plan expects, or null for the count now
     */
    public record Params(
            String kind,
            String namespace,
            String name,
            int replicas,
            boolean despiteAutoscaler,
            String atMost,
            long timeoutSeconds,
            Integer afterScaleTo) {}

    /**
     * What the plan observed.
     *
     * @param workload context/namespace/kind/name
     * @param uid the object's uid
     * @param replicas {@code spec.replicas}, the {@code --current-replicas} precondition
     */
    public record Observed(String workload, String uid, int replicas) {}

    /**
     * What the reviewer sees beside the plan.
     *
     * @param resourceVersion the version apply scales against
     * @param autoscaler the HorizontalPodAutoscaler that targets the workload, or null
     * @param bound the bound read from the {@link #atMost} probe, or null
     * @param serverDryRun what the API server said to the same change with {@code dryRun=All}
     */
    public record Details(String resourceVersion, String autoscaler, Integer bound, String serverDryRun) {}

    /** Same scale, also when a HorizontalPodAutoscaler targets the workload (it may scale it back). */
    public ScaleDeployment despiteAutoscaler() {
        return new ScaleDeployment(k8s, ref, replicas, true, bound, timeout, settings, from);
    }

    /**
     * Same scale, refused when the count is above what {@code bound} reads, at plan and again at apply
     * (INC-007: never more consumers than partitions).
     */
    public ScaleDeployment atMost(Probe<Integer> bound) {
        return new ScaleDeployment(k8s, ref, replicas, despiteAutoscaler, bound, timeout, settings, from);
    }

    /**
     * Same scale, planned for the count an earlier step of the runbook leaves (INC-007 and scenario 3 stop
     * the consumers with a scale to 0, then scale them back): the plan records {@code replicas} as the
     * count it expects to find, instead of the count now, and apply refuses as stale unless the workload
     * has exactly that count then; apply's patch carries the resourceVersion apply read.
     *
     * <pre>{@code
     * .step("stop", k8s.scaleDeployment("kafka-pipeline", "download-worker", 0))
     * .step("resume", k8s.scaleDeployment("kafka-pipeline", "download-worker", 6).afterScaleTo(0))
     * }</pre>
     *
     * @throws IllegalArgumentException for a negative count
     */
    public ScaleDeployment afterScaleTo(int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 0 for " + ref + ", was " + replicas);
        }
        return new ScaleDeployment(k8s, ref, this.replicas, despiteAutoscaler, bound, timeout, settings, replicas);
    }

    /** Same scale, waiting at most {@code timeout} for the replicas to be ready (default 10 minutes). */
    public ScaleDeployment timeout(Duration timeout) {
        return new ScaleDeployment(k8s, ref, replicas, despiteAutoscaler, bound, timeout, settings, from);
    }

    @Override
    public String type() {
        return "k8s.scale";
    }

    @Override
    public String target() {
        return ref.toString();
    }

    @Override
    public Params parameters() {
        return new Params(
                ref.kind().label(),
                ref.namespace(),
                ref.name(),
                replicas,
                despiteAutoscaler,
                bound == null ? null : bound.name(),
                timeout.toSeconds(),
                from);
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private Observed observe(HasMetadata o) {
        return new Observed(ref.toString(), o.getMetadata().getUid(), Workloads.replicas(o));
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        Observed now = observe(o);
        if (from != null) {
            now = new Observed(now.workload(), now.uid(), from); // as the earlier step leaves it
        }
        String hpa = checkAutoscaler();
        Integer max = checkBound();
        if (now.replicas() == replicas) {
            return StepPlan.unchanged(this, ref + " already has " + replicas + " replicas", now);
        }
        String rv = o.getMetadata().getResourceVersion();
        String dryRun = "not sent (K8sActions.serverDryRun(false))";
        if (settings.serverDryRun()) {
            HasMetadata dry = k8s.patch(ref, "scale", scalePatch(rv), true);
            dryRun = "accepted by the API server (dryRun=All): spec.replicas would be " + Workloads.replicas(dry);
        }
        StepPlan.Builder b = StepPlan.builder(this)
                .summary("scale " + ref + " from " + now.replicas() + (from == null ? "" : " (after the earlier step)")
                        + " to " + replicas + " replicas, then wait until " + replicas + " are ready")
                .before(now)
                .after(new Observed(now.workload(), now.uid(), replicas))
                .blastRadius("replicas", replicas)
                .blastRadius("pods", Math.abs(replicas - now.replicas()))
                .resource(ref.resource())
                .details(new Details(rv, hpa, max, dryRun));
        if (hpa != null) {
            b.warning(hpa + " targets " + ref + " and may scale it again");
        }
        return b.build();
    }

    private String checkAutoscaler() {
        List<HorizontalPodAutoscaler> hpas =
                k8s.call("list horizontalpodautoscalers in " + ref.namespace(), () -> k8s.client()
                        .autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace(ref.namespace())
                        .list()
                        .getItems());
        for (HorizontalPodAutoscaler h : hpas) {
            var t = h.getSpec().getScaleTargetRef();
            if (t != null && ref.kind().kind().equals(t.getKind()) && ref.name().equals(t.getName())) {
                String what = "HorizontalPodAutoscaler '" + h.getMetadata().getName() + "' (min "
                        + h.getSpec().getMinReplicas() + ", max " + h.getSpec().getMaxReplicas() + ")";
                if (!despiteAutoscaler) {
                    throw new RefusedException(ref + " is scaled by " + what + ", which would undo a manual scale;"
                            + " change the autoscaler's bounds instead (kubectl -n " + ref.namespace() + " edit hpa "
                            + h.getMetadata().getName() + "), or scale anyway with .despiteAutoscaler()");
                }
                return what;
            }
        }
        return null;
    }

    private Integer checkBound() {
        if (bound == null) {
            return null;
        }
        Integer max = bound.read();
        if (max == null || replicas > max) {
            throw new RefusedException("scaling " + ref + " to " + replicas + " replicas is above the bound "
                    + bound.name() + " = " + max + "; scale to at most " + max);
        }
        return max;
    }

    private String scalePatch(String resourceVersion) {
        return "{\"metadata\":{\"resourceVersion\":\"" + resourceVersion + "\"},\"spec\":{\"replicas\":" + replicas
                + "}}";
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        Observed now = observe(o);
        if (plan.isNoop()) {
            plan.requireUnchanged(now);
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(now);
        checkAutoscaler();
        checkBound();
        Details planned = plan.details(Details.class);
        // planned before an earlier step changed the count: compare-and-set against what apply read
        String rv = from == null ? planned.resourceVersion() : o.getMetadata().getResourceVersion();
        long start = System.nanoTime();
        HasMetadata scaled = k8s.patch(ref, "scale", scalePatch(rv), false);
        long generation = scaled.getMetadata().getGeneration() == null
                ? 0
                : scaled.getMetadata().getGeneration();
        RolloutWaiter.Result waited = RolloutWaiter.await(
                k8s,
                ref,
                generation,
                x -> Workloads.replicas(x) == replicas
                        ? null
                        : "spec.replicas was changed to " + Workloads.replicas(x) + " by someone else (an autoscaler?)",
                x -> RolloutState.of(ref, x).ready() >= replicas
                        && RolloutState.of(ref, x).available() <= replicas,
                timeout,
                settings.resync(),
                ctx.clock());
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (!waited.done()) {
            String why = waited.interference() != null
                    ? waited.interference()
                    : waited.timedOut()
                            ? "not ready within " + timeout.toSeconds() + " s"
                                    + (waited.state() == null
                                            ? ""
                                            : " (" + waited.state().message() + ")")
                            : waited.state().message();
            List<String> problems = waited.object() == null
                    ? List.of()
                    : PodHealth.read(k8s, ref.namespace(), Workloads.selector(waited.object()))
                            .problems();
            return ApplyResult.of(
                            Outcome.FAILED,
                            "scaled " + ref + " from " + now.replicas() + " to " + replicas + ", but " + why
                                    + (problems.isEmpty() ? "" : "; pods: " + String.join("; ", problems)))
                    .details(new RestartDeployment.Failure(why, problems))
                    .build();
        }
        return ApplyResult.changed("scaled " + ref + " from " + now.replicas() + " to " + replicas + ": "
                        + waited.state().ready() + " ready in " + ms + " ms")
                .count("pods", Math.abs(replicas - now.replicas()))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        RolloutState s = RolloutState.of(ref, o);
        if (Workloads.replicas(o) != replicas) {
            return Verification.failed(ref + " has spec.replicas " + Workloads.replicas(o) + ", not " + replicas, s);
        }
        return s.ready() >= replicas && s.done()
                ? Verification.passed(ref + " has " + s.ready() + "/" + replicas + " ready", s)
                : Verification.failed(ref + " has " + s.ready() + "/" + replicas + " ready: " + s.message(), s);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        Observed before = plan.before(Observed.class);
        return Optional.of(
                new ScaleDeployment(k8s, ref, before.replicas(), despiteAutoscaler, null, timeout, settings, null));
    }

    @Override
    public String toString() {
        return "ScaleDeployment[" + ref + " to " + replicas + "]";
    }
}
