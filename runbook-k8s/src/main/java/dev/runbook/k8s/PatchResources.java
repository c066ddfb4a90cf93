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
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code kubectl patch ... resources}: the requests and limits of one container of a Deployment,
 * StatefulSet or DaemonSet (the AITBC runbooks' "raise the memory limit"), then the rollout is awaited.
 * Only the resources named change; the previous values are recorded and the inverse puts them back exactly.
 *
 * <pre>{@code
 * PatchResources more = k8s.patchResources("smp-prod", "deployment/redis", "redis")
 *     .requests(Map.of("memory", "1Gi")).limits(Map.of("memory", "2Gi"));
 * more.plan(ctx).summary();   // "... container redis: limits memory 1Gi -> 2Gi, requests memory 512Mi -> 1Gi"
 * }</pre>
 *
 * @throws RefusedException from {@link #plan} for an unknown container (naming those there are), or a
 *     limit below its request
 */
public final class PatchResources implements Action {
    private final K8sTarget k8s;
    private final WorkloadRef ref;
    private final String container;
    private final Map<String, String> requests;
    private final Map<String, String> limits;
    private final boolean exact;
    private final Duration timeout;
    private final K8sSettings settings;

    PatchResources(
            K8sTarget k8s,
            WorkloadRef ref,
            String container,
            Map<String, String> requests,
            Map<String, String> limits,
            boolean exact,
            Duration timeout,
            K8sSettings settings) {
        WorkloadRef.requireName("container name", container);
        requests.values().forEach(PatchResources::amount);
        limits.values().forEach(PatchResources::amount);
        this.k8s = k8s;
        this.ref = ref;
        this.container = container;
        this.requests = new TreeMap<>(requests);
        this.limits = new TreeMap<>(limits);
        this.exact = exact;
        this.timeout = timeout;
        this.settings = settings;
    }

    /**
     * Every parameter apply uses.
     *
     * @param kind the workload kind
     * @param namespace the namespace
     * @param name the workload
     * @param container the container
     * @param requests requests to set, such as {@code memory=1Gi}
     * @param limits limits to set
     * @param exact whether these are the container's whole requests and limits (the inverse) or only those to change
     * @param timeoutSeconds how long to wait for the rollout
     */
    public record Params(
            String kind,
            String namespace,
            String name,
            String container,
            Map<String, String> requests,
            Map<String, String> limits,
            boolean exact,
            long timeoutSeconds) {}

    /**
     * A container's resources as observed.
     *
     * @param workload context/namespace/kind/name
     * @param container the container
     * @param requests its requests
     * @param limits its limits
     */
    public record Resources(
            String workload, String container, Map<String, String> requests, Map<String, String> limits) {}

    /** Same, also setting these requests. */
    public PatchResources requests(Map<String, String> more) {
        Map<String, String> r = new TreeMap<>(requests);
        r.putAll(more);
        return new PatchResources(k8s, ref, container, r, limits, exact, timeout, settings);
    }

    /** Same, also setting these limits. */
    public PatchResources limits(Map<String, String> more) {
        Map<String, String> l = new TreeMap<>(limits);
        l.putAll(more);
        return new PatchResources(k8s, ref, container, requests, l, exact, timeout, settings);
    }

    /** Same, with these requests and limits as the container's whole resources (others removed), as the inverse does. */
    public PatchResources exactly() {
        return new PatchResources(k8s, ref, container, requests, limits, true, timeout, settings);
    }

    /** Same, waiting at most {@code timeout} for the rollout (default 10 minutes). */
    public PatchResources timeout(Duration timeout) {
        return new PatchResources(k8s, ref, container, requests, limits, exact, timeout, settings);
    }

    @Override
    public String type() {
        return "k8s.patchResources";
    }

    @Override
    public String target() {
        return ref + " container " + container;
    }

    @Override
    public Params parameters() {
        return new Params(
                ref.kind().label(),
                ref.namespace(),
                ref.name(),
                container,
                requests,
                limits,
                exact,
                timeout.toSeconds());
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private static BigDecimal amount(String q) {
        try {
            return Quantity.getAmountInBytes(new Quantity(q));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "'" + q + "' is not a Kubernetes quantity (such as 500m, 2, 512Mi, 1Gi)", e);
        }
    }

    private int index(HasMetadata o) {
        List<Container> cs = Workloads.template(o).getSpec().getContainers();
        for (int i = 0; i < cs.size(); i++) {
            if (container.equals(cs.get(i).getName())) {
                return i;
            }
        }
        throw new RefusedException(ref + " has no container '" + container + "' (it has "
                + cs.stream().map(Container::getName).toList() + "); name one of those");
    }

    private Resources observe(HasMetadata o) {
        Container c = Workloads.template(o).getSpec().getContainers().get(index(o));
        Map<String, String> req = new TreeMap<>();
        Map<String, String> lim = new TreeMap<>();
        if (c.getResources() != null) {
            c.getResources().getRequests().forEach((k, v) -> req.put(k, v.toString()));
            c.getResources().getLimits().forEach((k, v) -> lim.put(k, v.toString()));
        }
        return new Resources(ref.toString(), container, req, lim);
    }

    private Resources wanted(Resources now) {
        Map<String, String> req = new TreeMap<>(exact ? Map.of() : now.requests());
        Map<String, String> lim = new TreeMap<>(exact ? Map.of() : now.limits());
        req.putAll(requests);
        lim.putAll(limits);
        return new Resources(now.workload(), container, req, lim);
    }

    private static boolean same(Map<String, String> a, Map<String, String> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.keySet().stream().allMatch(k -> amount(a.get(k)).compareTo(amount(b.get(k))) == 0);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        Resources now = observe(o);
        Resources want = wanted(now);
        for (Map.Entry<String, String> l : want.limits().entrySet()) {
            String r = want.requests().get(l.getKey());
            if (r != null && amount(l.getValue()).compareTo(amount(r)) < 0) {
                throw new RefusedException(target() + ": the limit " + l.getKey() + " " + l.getValue()
                        + " would be below its request " + r + " (the API server refuses that); raise the limit or"
                        + " lower the request");
            }
        }
        if (same(now.requests(), want.requests()) && same(now.limits(), want.limits())) {
            return StepPlan.unchanged(
                    this, target() + " already has requests " + now.requests() + " and limits " + now.limits(), now);
        }
        return StepPlan.builder(this)
                .summary("patch " + target() + ": requests " + now.requests() + " -> " + want.requests() + ", limits "
                        + now.limits() + " -> " + want.limits() + ", then wait for the rollout")
                .before(now)
                .after(want)
                .blastRadius("pods", Workloads.replicas(o))
                .resource(ref.resource())
                .details(Map.of("resourceVersion", o.getMetadata().getResourceVersion()))
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        HasMetadata o = k8s.require(ref);
        Resources now = observe(o);
        plan.requireUnchanged(now);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Resources want = plan.after(Resources.class);
        String rv = plan.details().path("resourceVersion").asText();
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":" + Json.write(rv)
                + "},{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/" + index(o) + "/resources\",\"value\":"
                + Json.write(Map.of("requests", want.requests(), "limits", want.limits())) + "}]";
        HasMetadata patched;
        try {
            patched = k8s.call("patch resources of " + target(), () -> switch (ref.kind()) {
                case DEPLOYMENT ->
                    k8s.client()
                            .apps()
                            .deployments()
                            .inNamespace(ref.namespace())
                            .withName(ref.name())
                            .patch(
                                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                                    patch);
                case STATEFULSET ->
                    k8s.client()
                            .apps()
                            .statefulSets()
                            .inNamespace(ref.namespace())
                            .withName(ref.name())
                            .patch(
                                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                                    patch);
                case DAEMONSET ->
                    k8s.client()
                            .apps()
                            .daemonSets()
                            .inNamespace(ref.namespace())
                            .withName(ref.name())
                            .patch(
                                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                                    patch);
            });
        } catch (RefusedException e) {
            throw new StalePlanException(
                    ref + " changed since the plan (" + e.getMessage() + "); plan again and review the new plan");
        }
        long generation = patched.getMetadata().getGeneration() == null
                ? 0
                : patched.getMetadata().getGeneration();
        RolloutWaiter.Result waited = RolloutWaiter.await(
                k8s, ref, generation, x -> null, x -> true, timeout, settings.resync(), ctx.clock());
        String what = "set " + target() + " requests " + want.requests() + ", limits " + want.limits();
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
        return ApplyResult.changed(what + ": " + waited.state().message()).build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Resources now = observe(k8s.require(ref));
        Resources want = plan.after(Resources.class);
        return same(now.requests(), want.requests()) && same(now.limits(), want.limits())
                ? Verification.passed(target() + " has requests " + now.requests() + ", limits " + now.limits(), now)
                : Verification.failed(
                        target() + " has requests " + now.requests() + ", limits " + now.limits() + ", expected "
                                + want.requests() + ", " + want.limits(),
                        now);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        Resources before = plan.before(Resources.class);
        return Optional.of(
                new PatchResources(k8s, ref, container, before.requests(), before.limits(), true, timeout, settings));
    }

    @Override
    public String toString() {
        return "PatchResources[" + target() + " requests " + requests + " limits " + limits + "]";
    }
}
