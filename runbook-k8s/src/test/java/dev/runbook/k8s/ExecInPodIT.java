package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Conditions;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.k8s.test.ExpectationServer;
import dev.runbook.test.ActionContract;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ExecInPod against fabric8's mock API server in <b>expectation mode</b>, which serves the exec websocket
 * protocol (stdout on channel 1, stderr on 2, the exit Status on 3) for exactly the expected argv; CRUD mode
 * serves no exec. The application is modelled by the test: the server's tap sees the exec request of
 * {@code /app/bin/admin freeze} and sets the application's state, which the application publishes in a
 * ConfigMap that the {@code doneWhen} probe reads.
 */
class ExecInPodIT extends ActionContract<ExecInPod> {
    static final String NS = "smp-prod";
    static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    static final String FREEZE =
            "/exec?command=%2Fapp%2Fbin%2Fadmin&command=freeze&container=app&stdout=true&stderr=true";
    static final AtomicReference<String> state = new AtomicReference<>("RUNNING");
    static final AtomicReference<Pod> pod = new AtomicReference<>();
    static final List<String> execs = new CopyOnWriteArrayList<>();
    static KubernetesMockServer server;
    static K8sActions k8s;

    @BeforeAll
    static void start() {
        server = ExpectationServer.start(r -> {
            if (r.getPath().contains("/exec?")) {
                execs.add(r.getPath());
                if (r.getPath().contains("command=freeze")) {
                    state.set("FROZEN");
                }
            }
        });
        k8s = K8sActions.of(server.createClient(), "smp-asia");
    }

    @AfterAll
    static void stop() {
        k8s.client().close();
        server.destroy();
    }

    @BeforeEach
    void expect() {
        server.reset();
        state.set("RUNNING");
        execs.clear();
        pod.set(ExpectationServer.pod(NS, "dispatch-engine-a", "dispatch-engine", "app"));
        String name = "dispatch-engine-a";
        server.expect()
                .get()
                .withPath(PODS + "?labelSelector=app%3Ddispatch-engine")
                .andReply(200, r -> new PodListBuilder().withItems(pod.get()).build())
                .always();
        server.expect()
                .get()
                .withPath(PODS + "/" + name)
                .andReply(200, r -> pod.get())
                .always();
        server.expect()
                .get()
                .withPath(PODS + "?fieldSelector=metadata.name%3D" + name)
                .andReply(200, r -> new PodListBuilder().withItems(pod.get()).build())
                .always();
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/" + NS + "/configmaps/dispatch-state")
                .andReply(200, r -> new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("dispatch-state")
                        .endMetadata()
                        .addToData("state", state.get())
                        .build())
                .always();
        server.expect()
                .withPath(PODS + "/" + name + FREEZE)
                .andUpgradeToWebSocket()
                .open(new OutputStreamMessage("dispatch frozen\n"), new StatusStreamMessage(0))
                .done()
                .always();
    }

    static Probe<String> appState() {
        return Probe.of("dispatch-state", () -> k8s.client()
                .configMaps()
                .inNamespace(NS)
                .withName("dispatch-state")
                .get()
                .getData()
                .get("state"));
    }

    static ExecInPod freeze() {
        return k8s.execInPod(NS, "app=dispatch-engine", List.of("/app/bin/admin", "freeze"))
                .container("app");
    }

    @Override
    protected ExecInPod action() {
        return freeze().doneWhen(appState(), Conditions.equalTo("FROZEN")).timeout(Duration.ofSeconds(10));
    }

    @Override
    protected Object snapshot() {
        return List.of(state.get(), List.copyOf(execs), pod.get().getMetadata().getUid());
    }

    @Override
    protected void moveTheWorld() {
        // the pod was replaced between plan and apply (same name, new uid)
        pod.set(new PodBuilder(pod.get())
                .editMetadata()
                .withUid("uid-new")
                .endMetadata()
                .build());
    }

    @Override
    protected Map<String, ExecInPod> variants() {
        return Map.of(
                "namespace",
                        k8s.execInPod("smp-prod-b", "app=dispatch-engine", List.of("/app/bin/admin", "freeze"))
                                .container("app")
                                .doneWhen(appState(), Conditions.equalTo("FROZEN"))
                                .timeout(Duration.ofSeconds(10)),
                "pods",
                        k8s.execInPod(NS, "pod/dispatch-engine-a", List.of("/app/bin/admin", "freeze"))
                                .container("app")
                                .doneWhen(appState(), Conditions.equalTo("FROZEN"))
                                .timeout(Duration.ofSeconds(10)),
                "container", action().container("sidecar"),
                "argv",
                        k8s.execInPod(NS, "app=dispatch-engine", List.of("/app/bin/admin", "thaw"))
                                .container("app")
                                .doneWhen(appState(), Conditions.equalTo("FROZEN"))
                                .timeout(Duration.ofSeconds(10)),
                "doneWhen", action().doneWhen(appState(), Conditions.equalTo("PAUSED")),
                "timeoutSeconds", action().timeout(Duration.ofSeconds(11)),
                "maxOutputBytes", action().maxOutputBytes(10));
    }

    @Test
    void expectationMode_withDoneWhen_runsTheExactArgvOnce_recordsExitAndOutput_andARerunIsUnchanged() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo("run [/app/bin/admin, freeze] once in smp-asia/smp-prod/pod/dispatch-engine-a container app,"
                        + " at most 10 s, until dispatch-state == FROZEN");
        assertThat(plan.warnings()).isEmpty();
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(r.summary())
                .isEqualTo("ran [/app/bin/admin, freeze] in smp-asia/smp-prod/pod/dispatch-engine-a: exit 0");
        assertThat(r.details().path("exitCode").asInt()).isZero();
        assertThat(r.details().path("stdout").asText()).isEqualTo("dispatch frozen\n");
        assertThat(execs).containsExactly(PODS + "/dispatch-engine-a" + FREEZE);
        assertThat(action().verify(plan, r, ctx).ok()).isTrue();
        StepPlan again = action().plan(ctx);
        assertThat(again.isNoop()).isTrue();
        assertThat(again.summary()).contains("already done: dispatch-state == FROZEN (FROZEN)");
        assertThat(action().apply(plan, ctx).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(execs).hasSize(1);
    }

    @Test
    void expectationMode_withoutDoneWhen_thePlanWarns_andEveryApplyRunsItAgain() {
        ActionContext ctx = context();
        StepPlan plan = freeze().plan(ctx);
        assertThat(plan.warnings()).singleElement().asString().contains("a rerun runs it again");
        assertThat(freeze().apply(plan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        StepPlan second = freeze().plan(ctx);
        assertThat(second.isNoop()).isFalse();
        assertThat(freeze().apply(second, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(execs).hasSize(2);
    }

    @Test
    void expectationMode_aNonZeroExit_isFailedWithTheOutputTail() {
        server.expect()
                .withPath(PODS + "/dispatch-engine-a/exec?command=%2Fapp%2Fbin%2Freplay-webhooks&command=--since%3D1h"
                        + "&container=app&stdout=true&stderr=true")
                .andUpgradeToWebSocket()
                .open(
                        new OutputStreamMessage("replaying 1200 webhooks\n"),
                        new ErrorStreamMessage("error: mongodb://replayer:pa55w0rd@mongo-0: connection refused\n"),
                        new StatusStreamMessage(2))
                .done()
                .always();
        ExecInPod replay = k8s.execInPod(NS, "app=dispatch-engine", List.of("/app/bin/replay-webhooks", "--since=1h"));
        ActionContext ctx = context();
        ApplyResult r = replay.apply(replay.plan(ctx), ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary())
                .isEqualTo("ran [/app/bin/replay-webhooks, --since=1h] in smp-asia/smp-prod/pod/dispatch-engine-a:"
                        + " exit 2, output: error: mongodb://replayer:***@mongo-0: connection refused");
        assertThat(r.details().toString()).doesNotContain("pa55w0rd");
        assertThat(r.details().path("stdout").asText()).isEqualTo("replaying 1200 webhooks\n");
        assertThat(replay.verify(null, r, ctx).ok()).isFalse();

        // a pod whose exec endpoint is gone (404 on the websocket upgrade): unknown whether it ran, named
        ExecInPod other = k8s.execInPod(NS, "pod/dispatch-engine-a", List.of("/app/bin/admin", "status"));
        assertThatThrownBy(() -> other.apply(other.plan(ctx), ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("exec [/app/bin/admin, status] in smp-asia/smp-prod/pod/dispatch-engine-a failed")
                .hasMessageContaining("whether the command ran is unknown");
    }

    @Test
    void alwaysNeedsApproval_aDenialRunsNothing() {
        assertThat(freeze().destructive()).isTrue();
        Runbook runbook = Runbook.builder("INC-001", "freeze")
                .step("freeze dispatch", action())
                .build();
        TestApprovals approvals = TestApprovals.denyingAll("not now");
        RunbookEngine engine = RunbookEngine.builder().approvals(approvals).build();
        var report = engine.apply(runbook, engine.plan(runbook));
        assertThat(report.status()).isNotEqualTo(RunStatus.SUCCEEDED);
        assertThat(approvals.askedFor()).isNotEmpty();
        assertThat(execs).isEmpty();
        assertThat(state.get()).isEqualTo("RUNNING");
    }

    @Test
    void shellStrings_emptyArgv_andNoReadyPod_areRefused() {
        assertThatThrownBy(() -> k8s.execInPod(NS, "app=dispatch-engine", List.of("/app/bin/admin freeze")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("looks like a shell string")
                .hasMessageContaining("List.of(\"/app/bin/admin\", \"freeze\")");
        assertThatThrownBy(() -> k8s.execInPod(NS, "app=dispatch-engine", List.of()))
                .hasMessageContaining("the command is missing");
        pod.set(new PodBuilder(pod.get())
                .editStatus()
                .withPhase("Pending")
                .endStatus()
                .build());
        assertRefusedWithoutChange(
                () -> freeze().plan(context()),
                "no ready pod in smp-asia/smp-prod/pods app=dispatch-engine to run [/app/bin/admin, freeze]",
                "kubectl --context smp-asia -n smp-prod get pods -l app=dispatch-engine");
    }
}
