package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.ActionContract;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a SimulatedCluster (fabric8's CRUD mock API server). */
class SetConfigValueIT extends ActionContract<SetConfigValue> {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    String ns;

    @BeforeAll
    static void connect() {
        cluster = TestCluster.shared();
        k8s = K8sActions.of(cluster.client(), "smp-asia");
    }

    @BeforeEach
    void seed() {
        ns = TestCluster.namespace();
        cluster.client()
                .namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ns)
                        .endMetadata()
                        .build())
                .create();
        cluster.client()
                .configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("dispatch-flags")
                        .withNamespace(ns)
                        .endMetadata()
                        .addToData("ENABLE_AUTO_DISPATCH", "true")
                        .addToData("MAX_BATCH", "50")
                        .build())
                .create();
    }

    @Override
    protected SetConfigValue action() {
        return k8s.setConfigValue(ns, "dispatch-flags", "ENABLE_AUTO_DISPATCH", "false");
    }

    @Override
    protected Object snapshot() {
        return TestCluster.workloadState(ns);
    }

    @Override
    protected void moveTheWorld() {
        cluster.client()
                .configMaps()
                .inNamespace(ns)
                .withName("dispatch-flags")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"ENABLE_AUTO_DISPATCH\":\"maybe\"}}");
    }

    @Override
    protected Map<String, SetConfigValue> variants() {
        return Map.of(
                "namespace", k8s.setConfigValue(ns + "-b", "dispatch-flags", "ENABLE_AUTO_DISPATCH", "false"),
                "configMap", k8s.setConfigValue(ns, "dispatch-flags-2", "ENABLE_AUTO_DISPATCH", "false"),
                "key", k8s.setConfigValue(ns, "dispatch-flags", "ENABLE_AUTO_ROUTING", "false"),
                "value", k8s.setConfigValue(ns, "dispatch-flags", "ENABLE_AUTO_DISPATCH", "off"),
                "restart", action().thenRestart("deployment/dispatch-engine"));
    }

    @Test
    void thenRestart_showsEachRestartInThePlan_restartsAfterTheChange_andARerunIsUnchanged() {
        cluster.createDeployment(ns, "dispatch-engine", 2);
        cluster.awaitRolledOut("Deployment", ns, "dispatch-engine", Duration.ofSeconds(10));
        SetConfigValue flag = action().thenRestart("deployment/dispatch-engine");
        ActionContext ctx = context();
        StepPlan plan = flag.plan(ctx);
        assertThat(plan.summary())
                .startsWith("set ENABLE_AUTO_DISPATCH from true to false in smp-asia/" + ns
                        + "/configmap/dispatch-flags, then restart smp-asia/" + ns
                        + "/deployment/dispatch-engine (2 pods)");
        assertThat(plan.details().path("restarts")).hasSize(1);
        assertThat(plan.blastRadius()).containsEntry("pods", 2L);
        assertThat(data()).containsEntry("ENABLE_AUTO_DISPATCH", "true");
        StepPlan reviewed = Json.read(Json.write(plan), StepPlan.class);
        ApplyResult r = flag.apply(reviewed, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(r.items()).hasSize(2);
        assertThat(data()).containsEntry("ENABLE_AUTO_DISPATCH", "false");
        String restartedAt = TestCluster.restartedAt(cluster.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("dispatch-engine")
                .get());
        assertThat(restartedAt).endsWith(ctx.idempotencyKey() + "/restart/deployment/dispatch-engine");
        assertThat(flag.verify(reviewed, r, ctx).ok()).isTrue();
        StepPlan again = flag.plan(ctx);
        assertThat(again.isNoop()).as(again.summary()).isTrue();
        assertThat(again.summary()).contains("were restarted by this step");
        assertThat(flag.inverse(plan).get().toString()).contains("= true, then restart [deployment/dispatch-engine]");
    }

    @Test
    void thenRestart_ofAPausedConsumer_isRefusedBeforeTheConfigMapIsWritten() {
        cluster.createDeployment(ns, "dispatch-engine", 1);
        cluster.awaitRolledOut("Deployment", ns, "dispatch-engine", Duration.ofSeconds(10));
        SetConfigValue flag = action().thenRestart("deployment/dispatch-engine");
        ActionContext ctx = context();
        StepPlan plan = flag.plan(ctx);
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"spec\":{\"paused\":true}}");
        assertRefusedWithoutChange(() -> flag.apply(plan, ctx), "is paused");
        assertThat(data()).containsEntry("ENABLE_AUTO_DISPATCH", "true");
        assertRefusedWithoutChange(() -> flag.plan(context()), "is paused", ".allowPaused()");
    }

    private Map<String, String> data() {
        return cluster.client()
                .configMaps()
                .inNamespace(ns)
                .withName("dispatch-flags")
                .get()
                .getData();
    }

    @Test
    void setsOnlyThatKey_andTheInverseRestoresIt() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo(
                        "set ENABLE_AUTO_DISPATCH from true to false in smp-asia/" + ns + "/configmap/dispatch-flags");
        action().apply(plan, ctx);
        assertThat(data()).containsEntry("ENABLE_AUTO_DISPATCH", "false").containsEntry("MAX_BATCH", "50");
        Action undo = action().inverse(plan).orElseThrow();
        undo.apply(undo.plan(ctx), ctx);
        assertThat(data()).containsEntry("ENABLE_AUTO_DISPATCH", "true").containsEntry("MAX_BATCH", "50");
    }

    @Test
    void aNewKey_isRemovedByTheInverse() {
        ActionContext ctx = context();
        SetConfigValue add = k8s.setConfigValue(ns, "dispatch-flags", "FREEZE", "1");
        StepPlan plan = add.plan(ctx);
        assertThat(plan.summary()).contains("from (unset) to 1");
        add.apply(plan, ctx);
        Action undo = add.inverse(plan).orElseThrow();
        assertThat(undo.plan(ctx).summary()).startsWith("remove FREEZE");
        undo.apply(undo.plan(ctx), ctx);
        assertThat(data()).doesNotContainKey("FREEZE").containsEntry("ENABLE_AUTO_DISPATCH", "true");
    }

    @Test
    void aMissingConfigMap_orAForbiddenPatch_isRefusedNamingIt() {
        assertRefusedWithoutChange(
                () -> k8s.setConfigValue(ns, "dispatch-flag", "A", "b").plan(context()),
                "smp-asia/" + ns + "/configmap/dispatch-flag not found");
        cluster.forbid("patch", "configmaps");
        try {
            assertRefusedWithoutChange(
                    () -> action().plan(context()), "cannot patch resource \"configmaps\" in API group \"\"");
        } finally {
            cluster.allowAll();
        }
    }

    @Test
    void anAdmissionWebhookRefusal_isShownAtPlanTime() {
        cluster.deny("patch", "configmaps", "flags are frozen during the sale");
        try {
            assertRefusedWithoutChange(
                    () -> action().plan(context()),
                    "admission webhook \"policy.sim.runbook.dev\" denied the request: flags are frozen during the sale");
        } finally {
            cluster.allowAll();
        }
    }
}
