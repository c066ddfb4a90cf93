package dev.runbook.k8s;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code kubectl delete pods -l app=x --grace-period=N} or, with {@link K8sActions#evictPods}, the eviction
 * subresource that respects PodDisruptionBudgets ({@code kubectl drain}'s way). Only pods a controller owns
 * (they come back) unless {@link #includeBarePods()}; at most {@link #maxPods(int)} pods; the grace period
 * is always chosen by the caller ({@link #gracePeriod(Duration)} or {@link #force()}), never defaulted.
 *
 * <pre>{@code
 * DeletePods kick = k8s.deletePods("smp-prod", "app=redis").gracePeriod(Duration.ofSeconds(30));
 * DeletePods drain = k8s.evictPods("smp-prod", "app=redis").gracePeriod(Duration.ofSeconds(30));
 * k8s.deletePods("aitbc", "app=worker").force();     // --force --grace-period=0
 * }</pre>
 *
 * <p>Deleting pods is not convergent by itself (the replacements match the selector again), so after the
 * last pod apply records the step's {@link ActionContext#idempotencyKey()} in an annotation {@code
 * runbook.dev/pods-deleted-by} of each owner (ReplicaSet, StatefulSet, DaemonSet): a rerun of the same step
 * whose pods all belong to owners carrying it plans UNCHANGED.
 *
 * <p>Evictions go one pod at a time, each after the previous pod's replacement is ready, so a budget that
 * allows one disruption lets them all through; a budget that allows none is refused at plan time (a
 * server-side dry-run eviction per pod), naming the budget.
 *
 * @throws RefusedException from {@link #plan} for a selector that matches nothing, bare pods, more pods than
 *     {@code maxPods}, no grace period chosen, or a budget that refuses the eviction
 */
public final class DeletePods implements Action {
    /** The owner annotation that records which step deleted its pods (its idempotency key). */
    static final String DELETED_BY = "runbook.dev/pods-deleted-by";

    private final K8sTarget k8s;
    private final String namespace;
    private final String selector;
    private final boolean evict;
    private final Long graceSeconds;
    private final boolean force;
    private final boolean includeBare;
    private final int maxPods;
    private final Duration timeout;
    private final K8sSettings settings;

    DeletePods(K8sTarget k8s, String namespace, String selector, boolean evict, K8sSettings settings) {
        this(k8s, namespace, selector, evict, null, false, false, 5, Duration.ofMinutes(5), settings);
        K8sActions.parseSelector(selector);
    }

    private DeletePods(
            K8sTarget k8s,
            String namespace,
            String selector,
            boolean evict,
            Long graceSeconds,
            boolean force,
            boolean includeBare,
            int maxPods,
            Duration timeout,
            K8sSettings settings) {
        WorkloadRef.requireName("namespace", namespace);
        this.k8s = k8s;
        this.namespace = namespace;
        this.selector = selector;
        this.evict = evict;
        this.graceSeconds = graceSeconds;
        this.force = force;
        this.includeBare = includeBare;
        this.maxPods = maxPods;
        this.timeout = timeout;
        this.settings = settings;
    }

    /**
     * Every parameter apply uses.
     *
     * @param namespace the namespace
     * @param selector the label selector
     * @param evict through the eviction subresource (PodDisruptionBudgets respected)
     * @param ending how the pods end: {@code grace 30 s}, or {@code force} ({@code --force --grace-period=0}),
     *     or null when not chosen yet (plan refuses)
     * @param includeBarePods also pods no controller owns
     * @param maxPods the most pods it may touch
     * @param timeoutSeconds how long to wait for replacements (and for a budget to allow an eviction)
     */
    public record Params(
            String namespace,
            String selector,
            boolean evict,
            String ending,
            boolean includeBarePods,
            int maxPods,
            long timeoutSeconds) {}

    /**
     * One pod as planned.
     *
     * @param name its name
     * @param uid its uid (a replacement with the same name is another pod)
     * @param owner its controller, such as {@code ReplicaSet/redis-7d9f}, or null
     */
    public record PodRef(String name, String uid, String owner) {}

    /** Same, with grace period {@code grace} (the pod's {@code terminationGracePeriodSeconds} is overridden). */
    public DeletePods gracePeriod(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a grace period must be >= 0, was " + grace);
        }
        return new DeletePods(
                k8s, namespace, selector, evict, grace.toSeconds(), false, includeBare, maxPods, timeout, settings);
    }

    /** Same, deleted at once: {@code kubectl delete --force --grace-period=0} (not for evictions). */
    public DeletePods force() {
        if (evict) {
            throw new IllegalArgumentException("an eviction cannot be forced; use k8s.deletePods(...).force(), which"
                    + " bypasses PodDisruptionBudgets");
        }
        return new DeletePods(k8s, namespace, selector, evict, 0L, true, includeBare, maxPods, timeout, settings);
    }

    /** Same, also pods that no controller owns: they will not come back. */
    public DeletePods includeBarePods() {
        return new DeletePods(k8s, namespace, selector, evict, graceSeconds, force, true, maxPods, timeout, settings);
    }

    /** Same, touching at most {@code n} pods (default 5). */
    public DeletePods maxPods(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxPods must be >= 1, was " + n);
        }
        return new DeletePods(k8s, namespace, selector, evict, graceSeconds, force, includeBare, n, timeout, settings);
    }

    /** Same, waiting at most {@code timeout} for replacements (default 5 minutes). */
    public DeletePods timeout(Duration timeout) {
        return new DeletePods(
                k8s, namespace, selector, evict, graceSeconds, force, includeBare, maxPods, timeout, settings);
    }

    @Override
    public String type() {
        return evict ? "k8s.evictPods" : "k8s.deletePods";
    }

    @Override
    public String target() {
        return k8s.context() + "/" + namespace + "/pods " + selector;
    }

    @Override
    public Params parameters() {
        String ending = graceSeconds == null ? null : force ? "force" : "grace " + graceSeconds + " s";
        return new Params(namespace, selector, evict, ending, includeBare, maxPods, timeout.toSeconds());
    }

    /** Pods that no controller owns do not come back, and forced deletes skip graceful shutdown. */
    @Override
    public boolean destructive() {
        return force || includeBare;
    }

    private List<Pod> pods() {
        Map<String, String> labels = K8sActions.parseSelector(selector);
        return k8s
                .call("list pods " + selector + " in " + namespace, () -> k8s.client()
                        .pods()
                        .inNamespace(namespace)
                        .withLabels(labels)
                        .list()
                        .getItems())
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    private static PodRef ref(Pod p) {
        String owner = p.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .map(o -> o.getKind() + "/" + o.getName())
                .findFirst()
                .orElse(null);
        return new PodRef(p.getMetadata().getName(), p.getMetadata().getUid(), owner);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        if (graceSeconds == null) {
            throw new RefusedException("choose how " + target()
                    + " end: .gracePeriod(Duration.ofSeconds(30)) (as kubectl"
                    + " --grace-period=30)" + (evict ? "" : " or .force() (as kubectl --force --grace-period=0)")
                    + "; this action never picks one for you");
        }
        List<Pod> found = pods();
        List<PodRef> pods = found.stream().map(DeletePods::ref).toList();
        if (!found.isEmpty() && found.stream().allMatch(p -> deletedByThisStep(p, ctx))) {
            return StepPlan.unchanged(
                    this,
                    "the pods of " + selector + " in " + namespace
                            + " were already deleted by this step; these are their replacements",
                    pods);
        }
        if (pods.isEmpty()) {
            throw new RefusedException("selector " + selector + " matches no pod in " + k8s.context() + "/" + namespace
                    + "; check it (kubectl -n " + namespace + " get pods -l " + selector + ")");
        }
        List<String> bare =
                pods.stream().filter(p -> p.owner() == null).map(PodRef::name).toList();
        if (!bare.isEmpty() && !includeBare) {
            throw new RefusedException("pods " + bare + " in " + namespace + " have no controller: deleted, they would"
                    + " not come back; leave them out of the selector, or use .includeBarePods() if that is intended");
        }
        if (pods.size() > maxPods) {
            throw new RefusedException("selector " + selector + " matches " + pods.size() + " pods in " + namespace
                    + ", more than maxPods " + maxPods + "; narrow the selector or raise .maxPods(" + pods.size()
                    + ")");
        }
        List<String> checks = new ArrayList<>();
        if (evict && settings.serverDryRun()) {
            for (PodRef p : pods) {
                Eviction.Answer a = Eviction.post(k8s, namespace, p.name(), graceSeconds, true);
                Eviction.requireOk(k8s, namespace, p.name(), a);
                if (a.blockedByBudget()) {
                    throw new RefusedException(
                            "evicting pod " + namespace + "/" + p.name() + " is refused now: " + a.message()
                                    + "; wait until the budget allows a disruption, or change the PodDisruptionBudget");
                }
                checks.add(p.name() + ": eviction accepted (dryRun=All)");
            }
        }
        String how = evict ? "evict" : force ? "force-delete (grace 0)" : "delete";
        return StepPlan.builder(this)
                .summary(how + " " + pods.size() + " pods " + selector + " in " + k8s.context() + "/" + namespace
                        + (force ? "" : " with a " + graceSeconds + " s grace period")
                        + (evict ? ", one at a time after each replacement is ready" : "")
                        + (bare.isEmpty() ? "" : "; " + bare.size() + " have no controller and will not come back"))
                .before(pods)
                .blastRadius("pods", pods.size())
                .resources(
                        pods.stream().map(p -> namespace + "/pod/" + p.name()).toList())
                .details(Map.of("serverDryRun", checks))
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        List<Pod> now = pods();
        if (plan.isNoop() || (!now.isEmpty() && now.stream().allMatch(p -> deletedByThisStep(p, ctx)))) {
            return ApplyResult.unchanged(
                            "the pods of " + selector + " in " + namespace + " were already deleted by this step")
                    .build();
        }
        plan.requireUnchanged(now.stream().map(DeletePods::ref).toList());
        int owned = (int) now.stream().filter(p -> ref(p).owner() != null).count();
        Instant deadline = ctx.clock().instant().plus(timeout);
        ApplyResult.Builder items = ApplyResult.changed("");
        List<String> done = new ArrayList<>();
        List<String> goneUids = new ArrayList<>();
        for (Pod p : now) {
            String name = p.getMetadata().getName();
            goneUids.add(p.getMetadata().getUid());
            if (evict) {
                Eviction.Answer a = Eviction.post(k8s, namespace, name, graceSeconds, false);
                while (a.blockedByBudget() && ctx.clock().instant().isBefore(deadline)) {
                    ctx.sleeper().sleep(Duration.ofMillis(500));
                    a = Eviction.post(k8s, namespace, name, graceSeconds, false);
                }
                Eviction.requireOk(k8s, namespace, name, a);
                if (a.blockedByBudget()) {
                    items.item(name, Outcome.FAILED, a.message());
                    return ApplyResult.of(
                                    Outcome.FAILED,
                                    "evicted " + done.size() + " of " + now.size() + " pods; " + name
                                            + " was refused until the timeout: " + a.message())
                            .items(items.build().items())
                            .build();
                }
                items.item(name, Outcome.CHANGED, "evicted");
                done.add(name);
                awaitReady(owned, Set.copyOf(goneUids), deadline, ctx);
            } else {
                k8s.call("delete pod " + namespace + "/" + name, () -> k8s.client()
                        .pods()
                        .inNamespace(namespace)
                        .withName(name)
                        .withGracePeriod(graceSeconds)
                        .delete());
                items.item(name, Outcome.CHANGED, force ? "force-deleted" : "deleted, grace " + graceSeconds + " s");
                done.add(name);
            }
        }
        markOwners(now, ctx);
        boolean ready = awaitReady(owned, Set.copyOf(goneUids), deadline, ctx);
        String verb = evict ? "evicted " : "deleted ";
        return ApplyResult.of(
                        ready ? Outcome.CHANGED : Outcome.FAILED,
                        verb + done.size() + " pods " + selector + " in " + namespace
                                + (ready
                                        ? "; " + owned + " replacements ready"
                                        : "; replacements not ready within " + timeout.toSeconds() + " s: "
                                                + String.join(
                                                        "; ",
                                                        PodHealth.read(
                                                                        k8s,
                                                                        namespace,
                                                                        K8sActions.parseSelector(selector))
                                                                .problems())))
                .items(items.build().items())
                .count("pods", done.size())
                .build();
    }

    private boolean deletedByThisStep(Pod p, ActionContext ctx) {
        var owner = p.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst()
                .orElse(null);
        if (owner == null) {
            return false;
        }
        var o = k8s.call("get " + owner.getKind() + " " + owner.getName(), () -> k8s.client()
                .genericKubernetesResources(owner.getApiVersion(), owner.getKind())
                .inNamespace(namespace)
                .withName(owner.getName())
                .get());
        return o != null
                && o.getMetadata().getAnnotations() != null
                && ctx.idempotencyKey().equals(o.getMetadata().getAnnotations().get(DELETED_BY));
    }

    private void markOwners(List<Pod> pods, ActionContext ctx) {
        pods.stream()
                .flatMap(p -> p.getMetadata().getOwnerReferences().stream())
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .distinct()
                .forEach(o -> k8s.call("annotate " + o.getKind() + " " + o.getName(), () -> k8s.client()
                        .genericKubernetesResources(o.getApiVersion(), o.getKind())
                        .inNamespace(namespace)
                        .withName(o.getName())
                        .patch(
                                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                                "{\"metadata\":{\"annotations\":{\"" + DELETED_BY + "\":"
                                        + dev.runbook.core.Json.write(ctx.idempotencyKey()) + "}}}")));
    }

    /** Waits until {@code want} pods of the selector are ready, none of them one of the {@code gone} uids. */
    private boolean awaitReady(int want, Set<String> gone, Instant deadline, ActionContext ctx) {
        while (true) {
            List<Pod> pods = pods();
            long ready = pods.stream()
                    .filter(p -> !gone.contains(p.getMetadata().getUid()))
                    .filter(p -> PodState.of(p, List.of()).ready())
                    .count();
            if (ready >= want) {
                return true;
            }
            if (!ctx.clock().instant().isBefore(deadline)) {
                return false;
            }
            ctx.sleeper().sleep(Duration.ofMillis(100));
        }
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        List<PodRef> planned = java.util.Arrays.asList(plan.before(PodRef[].class));
        Set<String> oldUids = planned.stream().map(PodRef::uid).collect(Collectors.toSet());
        List<Pod> now = pods();
        List<String> still = now.stream()
                .filter(p -> oldUids.contains(p.getMetadata().getUid()))
                .map(p -> p.getMetadata().getName())
                .toList();
        long owned = planned.stream().filter(p -> p.owner() != null).count();
        long ready = now.stream()
                .filter(p -> !oldUids.contains(p.getMetadata().getUid())
                        && PodState.of(p, List.of()).ready())
                .count();
        if (!still.isEmpty()) {
            return Verification.failed("pods " + still + " still exist");
        }
        return ready >= owned
                ? Verification.passed(ready + " replacement pods ready for " + owned + " owned pods removed")
                : Verification.failed(ready + " of " + owned + " replacement pods ready");
    }

    @Override
    public String toString() {
        return "DeletePods[" + target() + (evict ? ", evict" : "") + "]";
    }
}
