package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Condition;
import dev.runbook.core.Probes;
import dev.runbook.core.RefusedException;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PodHealth, RolloutStatus and ReadyReplicas against a SimulatedCluster. */
class ProbesIT {
    static SimulatedCluster cluster;
    static K8sActions k8s;

    @BeforeAll
    static void connect() {
        cluster = TestCluster.shared();
        k8s = K8sActions.of(cluster.client(), "smp-asia");
    }

    @Test
    void podHealth_namesOomKilledPods_andReadyReplicasCountsOnlyReadyOnes() {
        String ns = TestCluster.namespace();
        cluster.createDeployment(ns, "worker", 2);
        cluster.fault(ns, "worker", Fault.oomKilled());
        TestCluster.patchDeployment(ns, "worker", "{\"spec\":{\"replicas\":3}}");
        var oom = Probes.waitUntil(
                k8s.podHealth(ns, "app=worker"),
                Condition.<PodHealth>of("a pod was OOM-killed", h -> h.anyWith("OOMKilled")),
                Duration.ofSeconds(10));
        assertThat(oom.satisfied()).as(String.valueOf(oom)).isTrue();
        PodHealth h = k8s.podHealth(ns, "app=worker").read();
        assertThat(h.ready()).isEqualTo(2);
        assertThat(h.problems())
                .singleElement()
                .asString()
                .contains("CrashLoopBackOff (last exit 137 OOMKilled), 3 restarts");
        assertThat(h.toString()).startsWith("2/3 pods ready (app=worker)");
        assertThat(k8s.readyReplicas(ns, "deployment/worker").read()).isEqualTo(2);
        assertThat(k8s.rolloutStatus(ns, "deployment/worker").read().message())
                .isEqualTo(
                        "Waiting for deployment \"worker\" rollout to finish: 2 of 3 updated replicas are available...");
        assertThat(k8s.podHealthOf(ns, "deployment/worker").read().pods()).hasSize(3);
    }

    @Test
    void probesOfMissingThings_andBadSelectors_areRefusedNamingThem() {
        String ns = TestCluster.namespace();
        cluster.createDeployment(ns, "web", 1);
        assertThatThrownBy(() -> k8s.rolloutStatus(ns, "deployment/wbe").read())
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no Deployment 'wbe'");
        assertThatThrownBy(() -> k8s.podHealth(ns, "app")).hasMessageContaining("is not an equality selector");
        assertThat(k8s.podHealth(ns, "app=nothing").read().pods()).isEmpty();
    }
}
