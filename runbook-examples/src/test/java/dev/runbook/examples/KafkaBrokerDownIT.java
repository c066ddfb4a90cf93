package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.RunbookEngine;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * INC-006 against the real in-process broker (whose partitions are all fully replicated) and the kafka
 * StatefulSet in the simulated cluster: a healthy cluster is refused and nothing is restarted.
 */
class KafkaBrokerDownIT {

    @Test
    void aHealthyClusterIsRefusedAtPlan_andTheStatefulSetIsNotRestarted() {
        KafkaTestCluster broker = KafkaTestCluster.get();
        broker.createTopic(KafkaTestCluster.unique("orders.events"), 3);
        try (SimulatedCluster cluster = SimulatedCluster.start("smp-asia");
                KafkaActions kafka = KafkaActions.connect(broker.bootstrapServers())) {
            cluster.createStatefulSet("smp-prod", "kafka", 1);
            String version = cluster.client()
                    .apps()
                    .statefulSets()
                    .inNamespace("smp-prod")
                    .withName("kafka")
                    .get()
                    .getMetadata()
                    .getResourceVersion();
            K8sActions k8s = K8sActions.of(cluster.client(), "smp-asia");

            var plan = RunbookEngine.builder()
                    .build()
                    .plan(KafkaBrokerDown.runbook(kafka, k8s, "smp-prod", "kafka", 1, Duration.ofMinutes(1)));

            assertThat(plan).isNotReady().hasStep("partitions-unhealthy").isRefusedWith("does not hold");
            assertThat(plan.step("partitions-unhealthy").summary()).contains("underReplicated=[]");
            assertThat(kafka.underReplicatedPartitions().read()).isZero();
            assertThat(cluster.client()
                            .apps()
                            .statefulSets()
                            .inNamespace("smp-prod")
                            .withName("kafka")
                            .get()
                            .getMetadata()
                            .getResourceVersion())
                    .isEqualTo(version);
        }
    }
}
