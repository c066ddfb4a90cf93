package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Fleet;
import dev.runbook.core.ItemOutcome;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** INC-012: the same restart in three contexts, each its own simulated cluster, through core's Fleet. */
class FleetIT {
    static final List<SimulatedCluster> clusters = new ArrayList<>();
    static final List<K8sActions> contexts = new ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) {
        for (String name : List.of("smp-asia", "smp-china", "smp-us")) {
            SimulatedCluster c = SimulatedCluster.start(name);
            clusters.add(c);
            Deployment d = SimulatedCluster.deployment("smp-prod", "dispatch-engine", 2);
            d.getSpec().setProgressDeadlineSeconds(1);
            c.create(d);
        }
        Path kubeconfig = SimulatedCluster.writeKubeconfig(dir.resolve("config"), clusters);
        for (SimulatedCluster c : clusters) {
            contexts.add(K8sActions.connect(kubeconfig, c.name()).resync(Duration.ofMillis(300)));
        }
    }

    @AfterAll
    static void stop() {
        contexts.forEach(K8sActions::close);
        clusters.forEach(SimulatedCluster::close);
    }

    private static Fleet restart() {
        return Fleet.of(
                "restart dispatch-engine",
                contexts.stream()
                        .map(k -> k.restartDeployment("smp-prod", "dispatch-engine")
                                .timeout(Duration.ofSeconds(20)))
                        .toList());
    }

    private static String restartedAt(SimulatedCluster c) {
        return Workloads.restartedAt(c.client()
                .apps()
                .deployments()
                .inNamespace("smp-prod")
                .withName("dispatch-engine")
                .get());
    }

    @Test
    void aFailingContext_stopsTheFleet_andTheNextContextIsNotTouched_thenARerunRestartsOnlyTheRest() {
        clusters.get(1).fault("smp-prod", "dispatch-engine", Fault.crashLoop());
        ActionContext ctx = ActionContext.builder()
                .runId("INC-012-run-1")
                .stepId("03-restart-all")
                .build();
        Fleet fleet = restart().maxConcurrency(1).maxErrors(0);
        StepPlan plan = fleet.plan(ctx);
        assertThat(plan.target())
                .isEqualTo("restart dispatch-engine on 3 targets: smp-asia/smp-prod/deployment/dispatch-engine,"
                        + " smp-china/smp-prod/deployment/dispatch-engine, smp-us/smp-prod/deployment/dispatch-engine");
        ApplyResult r = fleet.apply(plan, ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.items())
                .extracting(ItemOutcome::outcome)
                .containsExactly(Outcome.CHANGED, Outcome.FAILED, Outcome.NOT_ATTEMPTED);
        assertThat(r.items().get(1).detail()).contains("CrashLoopBackOff");
        assertThat(restartedAt(clusters.get(0)))
                .endsWith(" runbook INC-012-run-1/03-restart-all/smp-asia/smp-prod/deployment/dispatch-engine");
        assertThat(restartedAt(clusters.get(2))).as("smp-us was never started").isNull();

        clusters.get(1).fault("smp-prod", "dispatch-engine", Fault.none());
        StepPlan again = restart().maxConcurrency(3).maxErrors(0).plan(ctx);
        assertThat(again.summary())
                .as("smp-asia and smp-china already carry this step's restart; only smp-us is left")
                .contains("(1 to change, 2 unchanged)");
        assertThat(again.details().path("members").get(1).path("summary").asText())
                .contains("already restarted by this step")
                .contains("exceeded its progress deadline");
    }
}
