package dev.runbook.k8s;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code kubectl rollout undo deployment/<name> [--to-revision=N]}, done the way kubectl's {@code
 * rollback.go} does it: the Deployment's ReplicaSets found by owner reference, the target revision's pod
 * template taken with its {@code pod-template-hash} label stripped, "skipped rollback" when the template
 * already matches, a paused Deployment refused; then the rollout is awaited as for a restart.
 *
 * <pre>{@code
 * RollbackDeployment undo = k8s.rollbackDeployment("smp-prod", "dispatch-engine");   // previous revision
 * StepPlan plan = undo.plan(ctx);   // "roll back ... from revision 4 to revision 3", diff: image a:1.1 -> a:1.0
 * undo.apply(plan, ctx);
 * }</pre>
 *
 * <p>Rolling back is not convergent by itself (a second undo would go back again), so apply records the
 * step's {@link ActionContext#idempotencyKey()} in the Deployment's annotation {@code
 * runbook.dev/rolled-back-by}: a rerun or resume of the same step sees it and is UNCHANGED.
 *
 * <p>The template is replaced with a JSON patch whose first operation tests the plan's {@code
 * resourceVersion}: a Deployment changed since the plan is refused as stale, and keys of the newer template
 * (a restart annotation, a new env var) do not survive as a merge patch would leave them.
 *
 * @throws RefusedException from {@link #plan} for a paused Deployment, no revision to roll back to, or an
 *     unknown revision (the message lists those there are)
 */
public final class RollbackDeployment implements Action {
    /** The Deployment annotation that records which step rolled it back (its idempotency key). */
    static final String ROLLED_BACK_BY = "runbook.dev/rolled-back-by";

    private final K8sTarget k8s;
    private final WorkloadRef ref;
    private final long toRevision;
    private final Duration timeout;
    private final K8sSettings settings;

    RollbackDeployment(K8sTarget k8s, WorkloadRef ref, long toRevision, Duration timeout, K8sSettings settings) {
        if (toRevision < 0) {
            throw new IllegalArgumentException("a revision is >= 1 (0 means the previous one), was " + toRevision);
        }
        this.k8s = k8s;
        this.ref = ref;
        this.toRevision = toRevision;
        this.timeout = timeout;
        this.settings = settings;
    }

    /**
     * Every parameter apply uses.
     *
     * @param namespace the namespace
     * @param name the Deployment
     * @param toRevision the revision to roll back to, 0 for the previous one
     * @param timeoutSeconds how long to wait for the rollout
     */
    public record Params(String namespace, String name, long toRevision, long timeoutSeconds) {}

    /**
     * What the plan observed.
     *
     * @param workload context/namespace/deployment/name
     * @param uid the Deployment's uid
     * @param generation its generation
     * @param revision its current revision
     * @param template its pod template, as JSON
     */
    public record Observed(String workload, String uid, long generation, long revision, String template) {}

    /**
     * What the reviewer sees.
     *
     * @param resourceVersion the version apply patches against
     * @param fromRevision the current revision
     * @param toRevision the revision rolled back to
     * @param replicaSet the ReplicaSet of that revision
     * @param diff what changes in the pod template: images, env, resources, args
     * @param template the template apply writes, as JSON
     */
    public record Details(
            String resourceVersion,
            long fromRevision,
            long toRevision,
            String replicaSet,
            List<String> diff,
            String template) {}

    /** Same rollback, to revision {@code n} ({@code kubectl rollout undo --to-revision=n}). */
    public RollbackDeployment toRevision(long n) {
        return new RollbackDeployment(k8s, ref, n, timeout, settings);
    }

    /** Same rollback, waiting at most {@code timeout} for the rollout (default 10 minutes). */
    public RollbackDeployment timeout(Duration timeout) {
        return new RollbackDeployment(k8s, ref, toRevision, timeout, settings);
    }

    @Override
    public String type() {
        return "k8s.rollback";
    }

    @Override
    public String target() {
        return ref.toString();
    }

    @Override
    public Params parameters() {
        return new Params(ref.namespace(), ref.name(), toRevision, timeout.toSeconds());
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private Observed observe(Deployment d) {
        return new Observed(
                ref.toString(),
                d.getMetadata().getUid(),
                d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration(),
                Workloads.revision(d),
                k8s.client()
                        .getKubernetesSerialization()
                        .asJson(Workloads.withoutHash(d.getSpec().getTemplate())));
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Deployment d = (Deployment) k8s.require(ref);
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            throw new RefusedException("you cannot rollback a paused deployment; resume it first with 'kubectl rollout"
                    + " resume' (" + ref + ") and try again");
        }
        Observed now = observe(d);
        String by = d.getMetadata().getAnnotations() == null
                ? null
                : d.getMetadata().getAnnotations().get(ROLLED_BACK_BY);
        if (ctx.idempotencyKey().equals(by)) {
            return StepPlan.unchanged(
                    this, ref + " was already rolled back by this step (now revision " + now.revision() + ")", now);
        }
        List<ReplicaSet> history = Workloads.replicaSets(k8s, d);
        ReplicaSet to = pick(history, now.revision());
        PodTemplateSpec target = Workloads.withoutHash(to.getSpec().getTemplate());
        PodTemplateSpec current = Workloads.withoutHash(d.getSpec().getTemplate());
        if (target.equals(current)) {
            return StepPlan.unchanged(
                    this,
                    "skipped rollback (current template already matches revision " + Workloads.revision(to) + ")",
                    now);
        }
        List<String> diff = TemplateDiff.of(current, target);
        String targetJson = k8s.client().getKubernetesSerialization().asJson(target);
        return StepPlan.builder(this)
                .summary("roll back " + ref + " from revision " + now.revision() + " to revision "
                        + Workloads.revision(to) + " (ReplicaSet "
                        + to.getMetadata().getName() + "): "
                        + (diff.isEmpty() ? "labels or annotations" : String.join(", ", diff)))
                .before(now)
                .blastRadius("pods", Workloads.replicas(d))
                .resource(ref.resource())
                .details(new Details(
                        d.getMetadata().getResourceVersion(),
                        now.revision(),
                        Workloads.revision(to),
                        to.getMetadata().getName(),
                        diff,
                        targetJson))
                .build();
    }

    private ReplicaSet pick(List<ReplicaSet> history, long current) {
        List<Long> revisions = history.stream().map(Workloads::revision).toList();
        if (toRevision == 0) {
            return history.stream()
                    .filter(rs -> Workloads.revision(rs) < current && Workloads.revision(rs) > 0)
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new RefusedException(ref + " has no revision to roll back to (revisions kept: "
                            + revisions + "; revisionHistoryLimit may be 0); roll forward instead (set the image or"
                            + " config you want)"));
        }
        return history.stream()
                .filter(rs -> Workloads.revision(rs) == toRevision)
                .findFirst()
                .orElseThrow(() -> new RefusedException(ref + " has no revision " + toRevision + " (revisions kept: "
                        + revisions + "); pick one of those (kubectl rollout history)"));
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Deployment d = (Deployment) k8s.require(ref);
        Observed now = observe(d);
        String by = d.getMetadata().getAnnotations() == null
                ? null
                : d.getMetadata().getAnnotations().get(ROLLED_BACK_BY);
        if (ctx.idempotencyKey().equals(by)) {
            return ApplyResult.unchanged(ref + " was already rolled back by this step")
                    .build();
        }
        plan.requireUnchanged(now);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Details planned = plan.details(Details.class);
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":"
                + Json.write(planned.resourceVersion()) + "},{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":"
                + planned.template() + "},"
                + (d.getMetadata().getAnnotations() == null
                                || d.getMetadata().getAnnotations().isEmpty()
                        ? "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{}},"
                        : "")
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/runbook.dev~1rolled-back-by\",\"value\":"
                + Json.write(ctx.idempotencyKey()) + "}]";
        long start = System.nanoTime();
        Deployment patched;
        try {
            patched = k8s.call("roll back " + ref, () -> k8s.client()
                    .apps()
                    .deployments()
                    .inNamespace(ref.namespace())
                    .withName(ref.name())
                    .patch(
                            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                            patch));
        } catch (RefusedException e) {
            throw new StalePlanException(
                    ref + " changed since the plan (" + e.getMessage() + "); plan again and review the new plan");
        }
        long generation = patched.getMetadata().getGeneration() == null
                ? 0
                : patched.getMetadata().getGeneration();
        RolloutWaiter.Result waited = RolloutWaiter.await(
                k8s, ref, generation, x -> null, x -> true, timeout, settings.resync(), ctx.clock());
        long ms = (System.nanoTime() - start) / 1_000_000;
        String what = "rolled back " + ref + " from revision " + planned.fromRevision()
                + " to the template of revision " + planned.toRevision();
        if (!waited.done()) {
            String why = waited.timedOut()
                    ? "the rollout did not finish within " + timeout.toSeconds() + " s"
                    : waited.state().message();
            List<String> problems = PodHealth.read(k8s, ref.namespace(), Workloads.selector(patched))
                    .problems();
            return ApplyResult.of(
                            Outcome.FAILED,
                            what + ", but " + why
                                    + (problems.isEmpty() ? "" : "; pods: " + String.join("; ", problems)))
                    .details(new RestartDeployment.Failure(why, problems))
                    .build();
        }
        return ApplyResult.changed(what + ": " + waited.state().message() + " in " + ms + " ms")
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Deployment d = (Deployment) k8s.require(ref);
        if (plan.isNoop()) {
            return Verification.passed(plan.summary());
        }
        Details planned = plan.details(Details.class);
        PodTemplateSpec want =
                k8s.client().getKubernetesSerialization().unmarshal(planned.template(), PodTemplateSpec.class);
        if (!Workloads.withoutHash(d.getSpec().getTemplate()).equals(Workloads.withoutHash(want))) {
            return Verification.failed(ref + "'s template no longer matches revision " + planned.toRevision()
                    + " (changed again since the rollback)");
        }
        RolloutState s = RolloutState.of(ref, d);
        return s.done()
                ? Verification.passed(
                        ref + " runs the template of revision " + planned.toRevision() + " (now revision "
                                + Workloads.revision(d) + "): " + s.message(),
                        s)
                : Verification.failed(ref + ": " + s.message(), s);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        if (plan.isNoop()) {
            return Optional.empty();
        }
        return Optional.of(toRevision(plan.details(Details.class).fromRevision()));
    }

    @Override
    public String toString() {
        return "RollbackDeployment[" + ref + (toRevision == 0 ? "" : " to revision " + toRevision) + "]";
    }
}
