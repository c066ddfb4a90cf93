package dev.runbook.k8s;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets one key of a ConfigMap, such as INC-001's feature flag {@code ENABLE_AUTO_DISPATCH=false}, with a
 * JSON merge patch that touches only that key and the plan's {@code resourceVersion} as a precondition.
 * The previous value is recorded: the inverse restores it, or removes a key that did not exist.
 *
 * <pre>{@code
 * SetConfigValue off = k8s.setConfigValue("smp-prod", "dispatch-flags", "ENABLE_AUTO_DISPATCH", "false");
 * StepPlan plan = off.plan(ctx);      // "set ENABLE_AUTO_DISPATCH from true to false in ..."
 * off.apply(plan, ctx);
 * off.inverse(plan).get();            // back to true
 * }</pre>
 *
 * <p>Pods read a ConfigMap at start (environment) or after the kubelet syncs the volume (about a minute):
 * name the consumers with {@link #thenRestart(String...)} and the same step restarts them after the change,
 * each as {@link RestartDeployment} does (its restart recorded under this step's idempotency key plus
 * {@code /restart/<workload>}); the plan shows each restart's own plan, and every restart's preconditions
 * (not paused, no rollout in progress, unchanged since the plan) are checked before the ConfigMap is
 * written. A rerun after a crash between the change and a restart restarts only what is left.
 *
 * <pre>{@code
 * k8s.setConfigValue("smp-prod", "dispatch-flags", "ENABLE_AUTO_DISPATCH", "false")
 *         .thenRestart("deployment/dispatch-engine");
 * // plan: "set ENABLE_AUTO_DISPATCH from true to false in smp-asia/smp-prod/configmap/dispatch-flags,
 * //        then restart smp-asia/smp-prod/deployment/dispatch-engine (3 pods)"
 * }</pre>
 *
 * @throws RefusedException from {@link #plan} when the ConfigMap does not exist
 */
public final class SetConfigValue implements Action {
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[-._a-zA-Z0-9]+");

    private final K8sTarget k8s;
    private final String namespace;
    private final String configMap;
    private final String key;
    private final String value;
    private final K8sSettings settings;
    private final ConsumerRestarts restarts;

    SetConfigValue(K8sTarget k8s, String namespace, String configMap, String key, String value, K8sSettings settings) {
        this(
                k8s,
                namespace,
                configMap,
                key,
                value,
                settings,
                new ConsumerRestarts(k8s, namespace, settings, List.of()));
    }

    private SetConfigValue(
            K8sTarget k8s,
            String namespace,
            String configMap,
            String key,
            String value,
            K8sSettings settings,
            ConsumerRestarts restarts) {
        WorkloadRef.requireName("namespace", namespace);
        WorkloadRef.requireName("configmap name", configMap);
        if (key == null || !KEY.matcher(key).matches() || key.length() > 253) {
            throw new IllegalArgumentException(
                    "'" + key + "' is not a valid ConfigMap key: letters, digits, '-', '_', '.'");
        }
        this.k8s = k8s;
        this.namespace = namespace;
        this.configMap = configMap;
        this.key = key;
        this.value = value;
        this.settings = settings;
        this.restarts = restarts;
    }

    /**
     * Every parameter apply uses.
     *
     * @param namespace the namespace
     * @param configMap the ConfigMap
     * @param key the key
     * @param value the value to set, or null to remove the key
     * @param restart the consumers restarted after the change ({@code deployment/dispatch-engine}), in order
     */
    public record Params(String namespace, String configMap, String key, String value, List<String> restart) {}

    /**
     * What the plan observed.
     *
     * @param configMap context/namespace/configmap/name
     * @param uid the ConfigMap's uid
     * @param key the key
     * @param present whether the key exists
     * @param value its value, or null
     */
    public record Observed(String configMap, String uid, String key, boolean present, String value) {}

    /** The same key, removed (what the inverse of setting a new key does). */
    public SetConfigValue remove() {
        return new SetConfigValue(k8s, namespace, configMap, key, null, settings, restarts);
    }

    /**
     * Same change, then a restart of each consumer of the ConfigMap ({@code "deployment/dispatch-engine"},
     * {@code "sts/kafka"}), in this order, each waiting for its rollout.
     */
    public SetConfigValue thenRestart(String... kindSlashNames) {
        return new SetConfigValue(k8s, namespace, configMap, key, value, settings, restarts.with(kindSlashNames));
    }

    @Override
    public String type() {
        return value == null ? "k8s.removeConfigKey" : "k8s.setConfigValue";
    }

    private String name() {
        return k8s.context() + "/" + namespace + "/configmap/" + configMap;
    }

    @Override
    public String target() {
        return name() + " key " + key;
    }

    @Override
    public Params parameters() {
        return new Params(namespace, configMap, key, value, restarts.workloads());
    }

    @Override
    public boolean destructive() {
        return restarts.destructive();
    }

    private ConfigMap read() {
        ConfigMap cm = k8s.call("get configmap " + namespace + "/" + configMap, () -> k8s.client()
                .configMaps()
                .inNamespace(namespace)
                .withName(configMap)
                .get());
        if (cm == null) {
            throw new RefusedException(name() + " not found; check the name (kubectl --context " + k8s.context()
                    + " -n " + namespace + " get configmaps)");
        }
        return cm;
    }

    private Observed observe(ConfigMap cm) {
        Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
        return new Observed(name(), cm.getMetadata().getUid(), key, data.containsKey(key), data.get(key));
    }

    private String describe(Observed o) {
        return o.present() ? o.value() : "(unset)";
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ConfigMap cm = read();
        Observed now = observe(cm);
        boolean set = Objects.equals(now.value(), value) && now.present() == (value != null);
        List<StepPlan> restartPlans = restarts.plan(ctx);
        List<String> pending = restartPlans.stream()
                .filter(p -> !p.isNoop())
                .map(StepPlan::summary)
                .toList();
        String already = key + " is already " + (value == null ? "unset" : value) + " in " + name();
        if (set && pending.isEmpty()) {
            return StepPlan.unchanged(
                    this,
                    already
                            + (restarts.isEmpty()
                                    ? ""
                                    : " and " + restarts.workloads() + " were restarted by this step"),
                    now);
        }
        String rv = cm.getMetadata().getResourceVersion();
        String dryRun = set ? "not needed" : "not sent (K8sActions.serverDryRun(false))";
        if (!set && settings.serverDryRun()) {
            ConfigMap dry = k8s.call("dry-run patch configmap " + namespace + "/" + configMap, () -> k8s.client()
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(configMap)
                    .dryRun()
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch(rv)));
            dryRun = "accepted by the API server (dryRun=All): " + key + " would be "
                    + (dry.getData() == null ? null : dry.getData().get(key));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("resourceVersion", rv);
        details.put("serverDryRun", dryRun);
        if (!restarts.isEmpty()) {
            details.put("restarts", restartPlans);
        }
        StepPlan.Builder b = StepPlan.builder(this)
                .summary((set
                                ? already
                                : (value == null
                                                ? "remove " + key
                                                : "set " + key + " from " + describe(now) + " to " + value)
                                        + " in " + name())
                        + (pending.isEmpty() ? "" : ", then " + String.join(", then ", pending)))
                .before(now)
                .after(new Observed(now.configMap(), now.uid(), key, value != null, value))
                .blastRadius("configs", set ? 0 : 1)
                .resource(namespace + "/configmap/" + configMap)
                .details(details);
        restartPlans.forEach(p -> p.resources().forEach(b::resource));
        long pods = restartPlans.stream()
                .filter(p -> !p.isNoop())
                .mapToLong(p -> p.blastRadius().getOrDefault("pods", 0L))
                .sum();
        if (pods > 0) {
            b.blastRadius("pods", pods);
        }
        return b.build();
    }

    /** A JSON merge patch of the one key ({@code null} removes it), with the resourceVersion precondition. */
    private String patch(String resourceVersion) {
        return "{\"metadata\":{\"resourceVersion\":" + quote(resourceVersion) + "},\"data\":{" + quote(key) + ":"
                + (value == null ? "null" : quote(value)) + "}}";
    }

    /**
     * Removes the key with a JSON patch whose first operation tests the resourceVersion: fabric8's CRUD
     * mock ignores {@code null} in a JSON merge patch (a real API server deletes the key); a JSON patch
     * removes it on both. A failed test is a stale plan.
     */
    private void removeKey(String resourceVersion) {
        String jsonPatch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":"
                + quote(resourceVersion) + "},{\"op\":\"remove\",\"path\":\"/data/"
                + key.replace("~", "~0").replace("/", "~1") + "\"}]";
        try {
            k8s.call("remove key " + key + " from configmap " + namespace + "/" + configMap, () -> k8s.client()
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(configMap)
                    .patch(PatchContext.of(PatchType.JSON), jsonPatch));
        } catch (RefusedException e) {
            throw new dev.runbook.core.StalePlanException(
                    name() + " changed since the plan (" + e.getMessage() + "); plan again and review the new plan");
        }
    }

    private static String quote(String s) {
        return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ConfigMap cm = read();
        Observed now = observe(cm);
        plan.requireUnchanged(now);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        // every follow-up restart is checked before the first write: a refusal leaves the ConfigMap as it was
        List<StepPlan> reviewed = ConsumerRestarts.reviewed(plan);
        restarts.requireUnchanged(reviewed, ctx);
        boolean set = Objects.equals(now.value(), value) && now.present() == (value != null);
        ApplyResult.Builder items = ApplyResult.changed("");
        String changed = (value == null ? "removed " + key : "set " + key + " from " + describe(now) + " to " + value)
                + " in " + name();
        if (!set) {
            write(plan.details().path("resourceVersion").asText());
        }
        items.item(
                name(),
                set ? dev.runbook.core.Outcome.UNCHANGED : dev.runbook.core.Outcome.CHANGED,
                set ? "already " + describe(now) : changed);
        List<String> done = new ArrayList<>();
        for (int i = 0; i < reviewed.size(); i++) {
            StepPlan rp = reviewed.get(i);
            ApplyResult r = restarts.apply(i, rp, ctx);
            items.item(rp.target(), r.outcome(), r.summary());
            done.add(r.summary());
            if (r.outcome() == dev.runbook.core.Outcome.FAILED || r.outcome() == dev.runbook.core.Outcome.UNKNOWN) {
                return ApplyResult.of(
                                r.outcome(),
                                (set ? "" : changed + "; ")
                                        + r.summary()
                                        + (i + 1 < reviewed.size()
                                                ? "; not restarted: "
                                                        + restarts.workloads().subList(i + 1, reviewed.size())
                                                : ""))
                        .items(items.build().items())
                        .count("configs", set ? 0 : 1)
                        .build();
            }
        }
        return ApplyResult.of(
                        dev.runbook.core.Outcome.CHANGED,
                        (set ? "" : changed) + (done.isEmpty() ? "" : (set ? "" : "; ") + String.join("; ", done)))
                .items(restarts.isEmpty() ? List.of() : items.build().items())
                .count("configs", set ? 0 : 1)
                .build();
    }

    private void write(String rv) {
        if (value == null) {
            removeKey(rv);
        } else {
            k8s.call("patch configmap " + namespace + "/" + configMap, () -> k8s.client()
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(configMap)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch(rv)));
        }
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Observed now = observe(read());
        boolean ok = Objects.equals(now.value(), value) && now.present() == (value != null);
        if (ok) {
            Verification v = restarts.verify(ConsumerRestarts.reviewed(plan), result, ctx);
            if (!v.ok()) {
                return v;
            }
        }
        return ok
                ? Verification.passed(key + " is " + describe(now) + " in " + name(), now)
                : Verification.failed(
                        key + " is " + describe(now) + " in " + name() + ", expected "
                                + (value == null ? "(unset)" : value),
                        now);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        Observed before = plan.before(Observed.class);
        return Optional.of(new SetConfigValue(
                k8s, namespace, configMap, key, before.present() ? before.value() : null, settings, restarts));
    }

    @Override
    public String toString() {
        return "SetConfigValue[" + target() + " = " + value
                + (restarts.isEmpty() ? "" : ", then restart " + restarts.workloads()) + "]";
    }
}
