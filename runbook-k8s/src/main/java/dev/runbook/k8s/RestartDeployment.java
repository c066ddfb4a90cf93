package dev.runbook.k8s;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * {@code kubectl rollout restart} of a Deployment, StatefulSet or DaemonSet, then {@code kubectl rollout
 * status}: one JSON merge patch of {@code spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]}
 * (every other annotation kept) with the plan's {@code resourceVersion} as a precondition, then a wait
 * driven by a watch until the rollout is complete by kubectl's rules (INC-001, INC-006, INC-012).
 *
 * <pre>{@code
 * RestartDeployment restart = k8s.restartDeployment("smp-prod", "dispatch-engine");
 * StepPlan plan = restart.plan(ctx);    // refuses a paused Deployment or a rollout in progress
 * restart.apply(plan, ctx);             // patch, then wait: "deployment \"dispatch-engine\" successfully rolled out"
 * }</pre>
 *
 * <p>The annotation's value carries the run's {@link ActionContext#idempotencyKey()}, so a rerun or a resume
 * of the same step sees its own restart and is UNCHANGED instead of restarting again. A rollout that fails
 * ({@code ProgressDeadlineExceeded}) or times out is a FAILED result naming each pod's problem; an operator
 * that sets the annotation back is caught, by the wait and by {@link #verify}.
 *
 * @throws RefusedException from {@link #plan} for a missing or mistyped workload, a paused Deployment or a
 *     rollout in progress (unless {@link #allowPaused()} / {@link #allowInProgress()}), or a server that
 *     refuses the dry run (RBAC, admission)
 */
public final class RestartDeployment implements Action {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private final K8sTarget k8s;
    private final WorkloadRef ref;
    private final boolean allowPaused;
    private final boolean allowInProgress;
    private final Duration timeout;
    private final K8sSettings settings;

    RestartDeployment(
            K8sTarget k8s,
            WorkloadRef ref,
            boolean allowPaused,
            boolean allowInProgress,
            Duration timeout,
            K8sSettings settings) {
        this.k8s = k8s;
        this.ref = ref;
        this.allowPaused = allowPaused;
        this.allowInProgress = allowInProgress;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the rollout timeout must be > 0, was " + timeout);
        }
        this.settings = settings;
    }

    /**
     * Every parameter apply uses.
     *
     * @param kind deployment, statefulset or daemonset
     * @param namespace the namespace
     * @param name the workload
     * @param allowPaused restart a paused Deployment anyway (its pods roll only when it is resumed)
     * @param allowInProgress restart while a rollout is still in progress
     * @param timeoutSeconds how long to wait for the rollout
     */
    public record Params(
            String kind,
            String namespace,
            String name,
            boolean allowPaused,
            boolean allowInProgress,
            long timeoutSeconds) {}

    /**
     * What the plan observed; apply compares it before patching.
     *
     * @param workload context/namespace/kind/name
     * @param uid the object's uid (a re-created workload is another object)
     * @param generation {@code metadata.generation}
     * @param restartedAt the current annotation, or null
     * @param paused whether a Deployment is paused
     * @param rolledOut whether its rollout is complete
     * @param replicas the replicas wanted
     */
    public record Observed(
            String workload,
            String uid,
            long generation,
            String restartedAt,
            boolean paused,
            boolean rolledOut,
            int replicas) {}

    /** Same restart, also of a paused Deployment (kubectl refuses; its pods roll only once it is resumed). */
    public RestartDeployment allowPaused() {
        return new RestartDeployment(k8s, ref, true, allowInProgress, timeout, settings);
    }

    /** Same restart, also while a rollout is still in progress. */
    public RestartDeployment allowInProgress() {
        return new RestartDeployment(k8s, ref, allowPaused, true, timeout, settings);
    }

    /** Same restart, waiting at most {@code timeout} for the rollout (default 10 minutes). */
    public RestartDeployment timeout(Duration timeout) {
        return new RestartDeployment(k8s, ref, allowPaused, allowInProgress, timeout, settings);
    }

    @Override
    public String type() {
        return "k8s.restart";
    }

    @Override
    public String target() {
        return ref.toString();
    }

    @Override
    public Params parameters() {
        return new Params(
                ref.kind().label(), ref.namespace(), ref.name(), allowPaused, allowInProgress, timeout.toSeconds());
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private Observed observe(HasMetadata o) {
        RolloutState s = RolloutState.of(ref, o);
        return new Observed(
                ref.toString(),
                o.getMetadata().getUid(),
                o.getMetadata().getGeneration() == null ? 0 : o.getMetadata().getGeneration(),
                Workloads.restartedAt(o),
                Workloads.paused(o),
                s.done(),
                Workloads.replicas(o));
    }

    static boolean isOurs(String restartedAt, ActionContext ctx) {
        return restartedAt != null && restartedAt.endsWith(" runbook " + ctx.idempotencyKey());
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        Observed now = observe(o);
        if (isOurs(now.restartedAt(), ctx)) {
            return StepPlan.unchanged(
                    this,
                    ref + " was already restarted by this step (restartedAt " + now.restartedAt() + "); rollout: "
                            + RolloutState.of(ref, o).message(),
                    now);
        }
        refuseUnsafe(o, now);
        String rv = o.getMetadata().getResourceVersion();
        String dryRun = settings.serverDryRun()
                ? serverDryRun(
                        rv, ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS) + " runbook " + ctx.idempotencyKey())
                : "not sent (K8sActions.serverDryRun(false))";
        return StepPlan.builder(this)
                .summary("restart " + ref + " (" + now.replicas() + " pods): set spec.template restartedAt, then wait"
                        + " for the rollout (at most " + timeout.toSeconds() + " s)")
                .before(now)
                .after(new Observed(
                        now.workload(),
                        now.uid(),
                        now.generation() + 1,
                        "<apply time> runbook " + ctx.idempotencyKey(),
                        now.paused(),
                        true,
                        now.replicas()))
                .blastRadius("pods", now.replicas())
                .resource(ref.resource())
                .details(new Details(rv, RolloutState.of(ref, o).message(), dryRun))
                .build();
    }

    /**
     * What the reviewer sees beside the plan.
     *
     * @param resourceVersion the version apply patches against (409 Conflict means the plan is stale)
     * @param rollout kubectl's rollout status when planned
     * @param serverDryRun what the API server said to the same patch with {@code dryRun=All}
     */
    public record Details(String resourceVersion, String rollout, String serverDryRun) {}

    private String serverDryRun(String rv, String value) {
        HasMetadata dry = k8s.patch(ref, null, patch(value, rv), true);
        return "accepted by the API server (dryRun=All): restartedAt would be " + Workloads.restartedAt(dry);
    }

    private void refuseUnsafe(HasMetadata o, Observed now) {
        if (now.paused() && !allowPaused) {
            throw new RefusedException(ref + " is paused: a restart would not roll its pods until it is resumed"
                    + " (kubectl refuses too); resume it first (kubectl rollout resume), or use .allowPaused()");
        }
        if (!now.rolledOut() && !allowInProgress) {
            RolloutState s = RolloutState.of(ref, o);
            throw new RefusedException(ref + " has a rollout in progress (" + s.message() + "); wait for it"
                    + " (k8s.rolloutStatus(...)) or roll it back, or restart anyway with .allowInProgress()");
        }
    }

    private static String patch(String value, String resourceVersion) {
        return "{\"metadata\":{\"resourceVersion\":\"" + resourceVersion + "\"},\"spec\":{\"template\":{\"metadata\":"
                + "{\"annotations\":{\"" + Workloads.RESTARTED_AT + "\":\"" + value.replace("\"", "") + "\"}}}}}";
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        Observed now = observe(o);
        if (plan.isNoop() || isOurs(now.restartedAt(), ctx)) {
            RolloutWaiter.Result waited = waitFor(ctx, now.generation(), now.restartedAt());
            if (waited.done()) {
                return ApplyResult.unchanged(ref + " was already restarted by this step; "
                                + waited.state().message())
                        .build();
            }
            return failed(waited, "the restart by this step was already applied, but");
        }
        plan.requireUnchanged(now);
        refuseUnsafe(o, now);
        String value = ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS) + " runbook " + ctx.idempotencyKey();
        Details planned = plan.details(Details.class);
        long start = System.nanoTime();
        HasMetadata patched = k8s.patch(ref, null, patch(value, planned.resourceVersion()), false);
        long generation = patched.getMetadata().getGeneration() == null
                ? 0
                : patched.getMetadata().getGeneration();
        RolloutWaiter.Result waited = waitFor(ctx, generation, value);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (!waited.done()) {
            return failed(waited, "patched restartedAt to " + value + ", but");
        }
        return ApplyResult.changed("restarted " + ref + ": " + waited.state().message() + " in " + ms + " ms")
                .count("pods", waited.state().desired())
                .details(new Applied(value, generation, ms, waited.unreachable(), waited.wokenBy()))
                .build();
    }

    /**
     * What apply did.
     *
     * @param restartedAt the value written
     * @param generation the workload's generation after the patch
     * @param millis from the patch to the end of the rollout
     * @param unreachableReads reads that failed while waiting (an API server that went away)
     * @param completedBy what showed the finished rollout: the {@code watch}, a {@code resync} read, or the
     *     {@code first read}
     */
    public record Applied(String restartedAt, long generation, long millis, int unreachableReads, String completedBy) {}

    private RolloutWaiter.Result waitFor(ActionContext ctx, long generation, String value) {
        return RolloutWaiter.await(
                k8s,
                ref,
                generation,
                x -> Objects.equals(Workloads.restartedAt(x), value)
                        ? null
                        : "restartedAt was changed to " + Workloads.restartedAt(x) + " by someone else after this"
                                + " step set it to " + value + " (an operator that owns the pod template?)",
                x -> true,
                timeout,
                settings.resync(),
                ctx.clock());
    }

    private ApplyResult failed(RolloutWaiter.Result waited, String what) {
        String why;
        if (waited.interference() != null) {
            why = waited.interference();
        } else if (waited.timedOut()) {
            why = "the rollout did not finish within " + timeout.toSeconds() + " s"
                    + (waited.state() == null
                            ? " (the API server could not be read)"
                            : " (" + waited.state().message() + ")");
        } else {
            why = waited.state().message();
        }
        var problems = waited.object() == null
                ? java.util.List.<String>of()
                : PodHealth.read(k8s, ref.namespace(), Workloads.selector(waited.object()))
                        .problems();
        return ApplyResult.of(
                        Outcome.FAILED,
                        ref + ": " + what + " " + why
                                + (problems.isEmpty() ? "" : "; pods: " + String.join("; ", problems))
                                + ". Roll back (k8s.rollback(...)) or fix the pods, then run again")
                .details(new Failure(why, problems))
                .build();
    }

    /**
     * Why a rollout failed.
     *
     * @param why kubectl's message, the timeout, or the interference
     * @param pods each pod that is not ready, with its problem
     */
    public record Failure(String why, java.util.List<String> pods) {}

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        String now = Workloads.restartedAt(o);
        if (!isOurs(now, ctx)) {
            return Verification.failed(
                    ref + " restartedAt is " + now + ", not this step's restart: something set it back"
                            + " (an operator that owns the pod template?); the pods may run the old template",
                    observe(o));
        }
        RolloutState s = RolloutState.of(ref, o);
        if (!s.done()) {
            return Verification.failed(ref + ": " + s.message(), s);
        }
        if (o instanceof Deployment d) {
            var rs = Workloads.newReplicaSet(k8s, d).orElse(null);
            if (rs == null) {
                return Verification.failed(ref + " has no ReplicaSet with its current template", s);
            }
            int avail = rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null
                    ? 0
                    : rs.getStatus().getAvailableReplicas();
            int want = Workloads.replicas(o);
            String rev = String.valueOf(Workloads.revision(rs));
            return avail >= want
                    ? Verification.passed(
                            "new ReplicaSet " + rs.getMetadata().getName() + " (revision " + rev + ") has " + avail
                                    + "/" + want + " available",
                            s)
                    : Verification.failed(
                            "new ReplicaSet " + rs.getMetadata().getName() + " has " + avail + "/" + want
                                    + " available",
                            s);
        }
        if (o instanceof StatefulSet st) {
            return Verification.passed(
                    "revision " + st.getStatus().getUpdateRevision() + " has "
                            + st.getStatus().getReadyReplicas() + " ready pods",
                    s);
        }
        DaemonSet ds = (DaemonSet) o;
        return Verification.passed(
                ds.getStatus().getNumberAvailable() + "/" + ds.getStatus().getDesiredNumberScheduled()
                        + " pods of the new template available",
                s);
    }

    @Override
    public String toString() {
        return "RestartDeployment[" + ref + "]";
    }
}
