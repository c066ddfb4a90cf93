package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.ActionContract;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a SimulatedCluster: revision 1 runs image 1.0, revision 2 runs 1.1 with FLAG=on. */
class RollbackDeploymentIT extends ActionContract<RollbackDeployment> {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    String ns;

    @BeforeAll
    static void connect() {
        cluster = TestCluster.shared();
        k8s = K8sActions.of(cluster.client(), "smp-asia").resync(Duration.ofMillis(300));
    }

    @BeforeEach
    void deployTwoRevisions() {
        ns = TestCluster.namespace();
        cluster.createDeployment(ns, "dispatch-engine", 2);
        setImage("registry.local/dispatch-engine:1.1", "on");
    }

    private void setImage(String image, String flag) {
        TestCluster.patchDeployment(
                ns,
                "dispatch-engine",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"" + image
                        + "\",\"env\":[{\"name\":\"FLAG\",\"value\":\"" + flag + "\"}]}]}}}}");
        cluster.awaitRolledOut("Deployment", ns, "dispatch-engine", Duration.ofSeconds(10));
        cluster.settle();
    }

    @Override
    protected RollbackDeployment action() {
        return k8s.rollbackDeployment(ns, "dispatch-engine").timeout(Duration.ofSeconds(30));
    }

    @Override
    protected Object snapshot() {
        return TestCluster.workloadState(ns);
    }

    @Override
    protected void moveTheWorld() {
        setImage("registry.local/dispatch-engine:1.2", "on");
    }

    @Override
    protected Map<String, RollbackDeployment> variants() {
        return Map.of(
                "namespace",
                        k8s.rollbackDeployment(ns + "-b", "dispatch-engine").timeout(Duration.ofSeconds(30)),
                "name", k8s.rollbackDeployment(ns, "dispatcher").timeout(Duration.ofSeconds(30)),
                "toRevision", action().toRevision(1),
                "timeoutSeconds", action().timeout(Duration.ofSeconds(31)));
    }

    private Deployment deployment() {
        return cluster.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("dispatch-engine")
                .get();
    }

    @Test
    void undo_goesBackToThePreviousTemplate_showingTheDiff_andRemovingWhatTheNewerHad() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .startsWith("roll back smp-asia/" + ns + "/deployment/dispatch-engine from revision 2 to revision 1");
        assertThat(plan.details().path("diff").toString())
                .contains(
                        "container app: image registry.local/dispatch-engine:1.1 -> registry.local/dispatch-engine:1.0")
                .contains("container app: env FLAG=on -> (unset)");
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        Deployment d = deployment();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.local/dispatch-engine:1.0");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .isEmpty();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("pod-template-hash");
        assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3");
        assertThat(action().verify(plan, r, ctx).message())
                .contains("runs the template of revision 1 (now revision 3)");
        Action forward = action().inverse(plan).orElseThrow();
        ActionContext other = context();
        assertThat(forward.plan(other).summary()).contains("from revision 3 to revision 2");
    }

    @Test
    void aTemplateThatAlreadyMatches_isASkippedRollback() {
        setImage("registry.local/dispatch-engine:1.0", "on");
        assertThat(action().toRevision(3).plan(context()).summary())
                .isEqualTo("unchanged: skipped rollback (current template already matches revision 3)");
    }

    @Test
    void aPausedDeployment_noHistory_andAnUnknownRevision_areRefused() {
        assertRefusedWithoutChange(
                () -> action().toRevision(7).plan(context()), "has no revision 7 (revisions kept: [1, 2])");
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"spec\":{\"paused\":true}}");
        assertRefusedWithoutChange(
                () -> action().plan(context()), "you cannot rollback a paused deployment; resume it first");
        String other = TestCluster.namespace();
        Deployment d = SimulatedCluster.deployment(other, "lonely", 1);
        cluster.create(d);
        assertThatThrownBy(() -> k8s.rollbackDeployment(other, "lonely").plan(context()))
                .hasMessageContaining("has no revision to roll back to (revisions kept: [1]");
    }

    @Test
    void theDeploymentChangedBetweenPlanAndApply_isStale() {
        StepPlan plan = action().plan(context());
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        Object moved = snapshot();
        assertThatThrownBy(() -> action().apply(plan, context())).isInstanceOf(StalePlanException.class);
        assertThat(snapshot()).isEqualTo(moved);
    }
}
