package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Journal;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.Fault;
import dev.runbook.redis.RedisActions;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-001 applied for real: a real {@code redis-server} holding the dispatch queue and the simulated
 * cluster (fabric8's mock API server with the simulated Deployment controller) with crash-looping pods.
 */
class DispatchEngineDownIT {
    static DispatchScenario scenario;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        scenario = DispatchScenario.start();
    }

    @AfterAll
    static void stop() {
        scenario.close();
    }

    private RunbookEngine engine(JsonLinesAuditSink audit, TestApprovals approvals) {
        return RunbookEngine.builder()
                .actor("it")
                .incident("IT-INC-001")
                .approvals(approvals)
                .audit(audit)
                .journal(Journal.files(dir.resolve("journal")))
                .build();
    }

    @Test
    void restartsScalesUpAndBack_flagOffAndOn_queueDrained_auditVerified() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Runbook rb = scenario.runbook();
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = engine(audit, TestApprovals.approvingAll());
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady();
            assertThat(scenario.queueDepth()).as("the plan wrote nothing").isEqualTo(DispatchScenario.ORDERS);
            assertThat(DispatchScenario.flag(scenario.cluster(), "smp-prod")).isEqualTo("true");

            report = engine.apply(rb, plan);
        }

        assertThat(report).succeeded();
        assertThat(report).step("turn-auto-dispatch-off").hasOutcome(Outcome.CHANGED);
        assertThat(report)
                .step("restart-the-dispatch-engine")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed();
        assertThat(report).step("turn-auto-dispatch-back-on").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("scale-up-to-5").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("scale-back").hasOutcome(Outcome.CHANGED).verificationPassed();
        Deployment d = deployment("smp-prod");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .hasEntrySatisfying(
                        "kubectl.kubernetes.io/restartedAt", v -> assertThat(v).contains(" runbook "));
        assertThat(DispatchScenario.readyPods(scenario.cluster().client(), "smp-prod"))
                .isEqualTo(3);
        assertThat(DispatchScenario.flag(scenario.cluster(), "smp-prod")).isEqualTo("true");
        assertThat(scenario.queueDepth()).isZero();
        assertThat(scenario.dispatched()).isEqualTo(DispatchScenario.ORDERS);
        assertThat(scenario.fixed()).isTrue();
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
    }

    @Test
    void podsThatStillCrash_failTheRestart_andLeaveAutoDispatchOffAndTheReplicasAlone() throws Exception {
        String ns = "smp-prod-still-broken";
        DispatchScenario.stageCluster(scenario.cluster(), ns);
        scenario.cluster().fault(ns, "dispatch-engine", Fault.crashLoop()); // the cause is not gone
        scenario.cluster()
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("dispatch-engine")
                .edit(x -> {
                    x.getSpec().setProgressDeadlineSeconds(3);
                    return x;
                });
        awaitSettled(ns); // the controller marks the stuck rollout ProgressDeadlineExceeded before the plan reads it
        Path file = dir.resolve("audit-failed.jsonl");
        String queue = "dispatch:queue:" + ns;
        try (RedisActions redis = RedisActions.connect(scenario.redisUri());
                K8sActions k8s =
                        K8sActions.of(scenario.cluster().client(), "smp-asia").resync(Duration.ofMillis(300))) {
            scenario.push(queue, 300);
            Runbook rb = DispatchEngineDown.runbook(
                    k8s, redis, ns, "dispatch-engine", "dispatch-flags", queue, 5, 100, Duration.ofSeconds(30));
            Report report;
            try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
                RunbookEngine engine = engine(audit, TestApprovals.approvingAll());
                report = engine.apply(rb, engine.plan(rb));
            }

            assertThat(report).failed();
            assertThat(report).step("restart-the-dispatch-engine").hasOutcome(Outcome.FAILED);
            assertThat(report.step("restart-the-dispatch-engine").message()).contains("CrashLoopBackOff");
            assertThat(report).step("scale-up-to-5").hasOutcome(Outcome.NOT_ATTEMPTED);
        }
        assertThat(DispatchScenario.flag(scenario.cluster(), ns))
                .as("ops keep dispatching by hand until the engine is fixed")
                .isEqualTo("false");
        assertThat(deployment(ns).getSpec().getReplicas()).isEqualTo(3);
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
    }

    /** Until the Deployment's resourceVersion has not moved for 4 s (more than its progress deadline). */
    private static void awaitSettled(String ns) throws InterruptedException {
        String rv = deployment(ns).getMetadata().getResourceVersion();
        long stableSince = System.nanoTime();
        long deadline = stableSince + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() - stableSince < java.util.concurrent.TimeUnit.SECONDS.toNanos(4)) {
            assertThat(System.nanoTime()).as("the Deployment keeps changing").isLessThan(deadline);
            Thread.sleep(100);
            String now = deployment(ns).getMetadata().getResourceVersion();
            if (!now.equals(rv)) {
                rv = now;
                stableSince = System.nanoTime();
            }
        }
    }

    private static Deployment deployment(String ns) {
        return scenario.cluster()
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("dispatch-engine")
                .get();
    }
}
