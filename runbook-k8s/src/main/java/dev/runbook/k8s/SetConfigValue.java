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
 * restart the consumers afterwards ({@code k8s.restartDeployment(...)}) as a step of its own.
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

    SetConfigValue(K8sTarget k8s, String namespace, String configMap, String key, String value, K8sSettings settings) {
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
    }

    /**
     * Every parameter apply uses.
     *
     * @param namespace the namespace
     * @param configMap the ConfigMap
     * @param key the key
     * @param value the value to set, or null to remove the key
     */
    public record Params(String namespace, String configMap, String key, String value) {}

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
        return new SetConfigValue(k8s, namespace, configMap, key, null, settings);
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
        return new Params(namespace, configMap, key, value);
    }

    @Override
    public boolean destructive() {
        return false;
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
        if (Objects.equals(now.value(), value) && now.present() == (value != null)) {
            return StepPlan.unchanged(
                    this, key + " is already " + (value == null ? "unset" : value) + " in " + name(), now);
        }
        String rv = cm.getMetadata().getResourceVersion();
        String dryRun = "not sent (K8sActions.serverDryRun(false))";
        if (settings.serverDryRun()) {
            ConfigMap dry = k8s.call("dry-run patch configmap " + namespace + "/" + configMap, () -> k8s.client()
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(configMap)
                    .dryRun()
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch(rv)));
            dryRun = "accepted by the API server (dryRun=All): " + key + " would be "
                    + (dry.getData() == null ? null : dry.getData().get(key));
        }
        return StepPlan.builder(this)
                .summary((value == null ? "remove " + key : "set " + key + " from " + describe(now) + " to " + value)
                        + " in " + name())
                .before(now)
                .after(new Observed(now.configMap(), now.uid(), key, value != null, value))
                .blastRadius("configs", 1)
                .resource(namespace + "/configmap/" + configMap)
                .details(Map.of("resourceVersion", rv, "serverDryRun", dryRun))
                .build();
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
        String rv = plan.details().path("resourceVersion").asText();
        if (value == null) {
            removeKey(rv);
        } else {
            k8s.call("patch configmap " + namespace + "/" + configMap, () -> k8s.client()
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(configMap)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch(rv)));
        }
        return ApplyResult.changed(
                        (value == null ? "removed " + key : "set " + key + " from " + describe(now) + " to " + value)
                                + " in " + name())
                .count("configs", 1)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        Observed now = observe(read());
        boolean ok = Objects.equals(now.value(), value) && now.present() == (value != null);
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
        return Optional.of(
                new SetConfigValue(k8s, namespace, configMap, key, before.present() ? before.value() : null, settings));
    }

    @Override
    public String toString() {
        return "SetConfigValue[" + target() + " = " + value + "]";
    }
}
