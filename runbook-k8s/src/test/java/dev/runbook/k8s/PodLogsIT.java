package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Plan;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.k8s.test.ExpectationServer;
import dev.runbook.test.RecordingAuditSink;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PodLogs against fabric8's mock API server in <b>expectation mode</b>: CRUD mode does not serve the
 * {@code pods/log} subresource, so each test expects the exact log requests ({@code container}, {@code
 * previous}, {@code sinceSeconds}, {@code tailLines}) and answers them; a request with other parameters
 * gets 404 and fails the test. The requests the server received are asserted too.
 */
class PodLogsIT {
    static final String NS = "smp-prod";
    static final String LOG = "/api/v1/namespaces/" + NS + "/pods/";
    static KubernetesMockServer server;
    static K8sActions k8s;

    @BeforeAll
    static void start() {
        server = ExpectationServer.start();
        k8s = K8sActions.of(server.createClient(), "smp-asia");
    }

    @AfterAll
    static void stop() {
        k8s.client().close();
        server.destroy();
    }

    @BeforeEach
    void clear() throws InterruptedException {
        server.reset();
        ExpectationServer.requests(server);
    }

    @Test
    void expectationMode_selectorPreviousContainer_sendsExactParameters_countsAndRedactsMatchingLines()
            throws InterruptedException {
        ExpectationServer.pods(
                server,
                NS,
                "dispatch-engine",
                ExpectationServer.pod(NS, "dispatch-engine-a", "dispatch-engine", "app"),
                ExpectationServer.pod(NS, "dispatch-engine-b", "dispatch-engine", "app"));
        String query = "?pretty=false&container=app&previous=true&sinceSeconds=600&tailLines=200";
        server.expect()
                .get()
                .withPath(LOG + "dispatch-engine-a/log" + query)
                .andReturn(
                        200,
                        "started\n"
                                + "java.lang.OutOfMemoryError: Java heap space\n"
                                + "connect to postgres://app:s3cr3t@db:5432/orders: Connection refused\n"
                                + "retry with password=hunter2 token: abc.def Connection refused\n")
                .once();
        server.expect()
                .get()
                .withPath(LOG + "dispatch-engine-b/log" + query)
                .andReturn(
                        200,
                        "java.lang.OutOfMemoryError: Metaspace\nAuthorization: Bearer eyJhbGci.x.y OutOfMemoryError\n")
                .once();

        LogMatches m = k8s.podLogs(NS, "app=dispatch-engine")
                .container("app")
                .previous()
                .since(Duration.ofMinutes(10))
                .tailLines(200)
                .count("OutOfMemoryError", "Connection refused")
                .maxLines(4)
                .read();

        assertThat(ExpectationServer.requests(server))
                .containsExactly(
                        "GET /api/v1/namespaces/smp-prod/pods?labelSelector=app%3Ddispatch-engine",
                        "GET " + LOG + "dispatch-engine-a/log" + query, "GET " + LOG + "dispatch-engine-b/log" + query);
        assertThat(m.count("OutOfMemoryError")).isEqualTo(3);
        assertThat(m.count("Connection refused")).isEqualTo(2);
        assertThat(m.linesRead()).isEqualTo(6);
        assertThat(m.pods()).containsExactly("dispatch-engine-a", "dispatch-engine-b");
        assertThat(m.lines())
                .containsExactly(
                        "dispatch-engine-a: java.lang.OutOfMemoryError: Java heap space",
                        "dispatch-engine-a: connect to postgres://app:***@db:5432/orders: Connection refused",
                        "dispatch-engine-a: retry with password=*** token: *** Connection refused",
                        "dispatch-engine-b: java.lang.OutOfMemoryError: Metaspace");
        assertThat(m.moreLines()).isEqualTo(1);
        assertThat(m.total()).isEqualTo(5);
        assertThat(m.toString())
                .startsWith("OutOfMemoryError: 3, Connection refused: 2 in 6 lines of 2 pods (smp-asia/smp-prod/pods"
                        + " app=dispatch-engine, container app, previous, since 600 s, tail 200)")
                .contains("... 1 more matching lines")
                .doesNotContain("s3cr3t", "hunter2", "abc.def", "eyJhbGci");
        assertThatThrownBy(() -> m.count("Timeout")).hasMessageContaining(".count(\"Timeout\")");
    }

    @Test
    void expectationMode_onePodByName_defaultTail_andAPodWithoutPreviousContainerIsANote() throws InterruptedException {
        ExpectationServer.pods(server, NS, "redis", ExpectationServer.pod(NS, "redis-0", "redis", "redis"));
        server.expect()
                .get()
                .withPath(LOG + "redis-0/log?pretty=false&tailLines=1000")
                .andReturn(200, "OOM command not allowed when used memory > 'maxmemory'\nready\n")
                .once();
        LogMatches m =
                k8s.podLogs(NS, "pod/redis-0").count("OOM command not allowed").read();
        assertThat(m.count("OOM command not allowed")).isEqualTo(1);
        assertThat(ExpectationServer.requests(server))
                .containsExactly("GET " + LOG + "redis-0", "GET " + LOG + "redis-0/log?pretty=false&tailLines=1000");

        Status noPrevious = new StatusBuilder()
                .withCode(400)
                .withStatus("Failure")
                .withReason("BadRequest")
                .withMessage("previous terminated container \"redis\" in pod \"redis-0\" not found")
                .build();
        server.expect()
                .get()
                .withPath(LOG + "redis-0/log?pretty=false&previous=true&tailLines=1000")
                .andReturn(400, noPrevious)
                .once();
        LogMatches none = k8s.podLogs(NS, "pod/redis-0").previous().count("OOM").read();
        assertThat(none.count("OOM")).isZero();
        assertThat(none.notes())
                .containsExactly("redis-0: no previous container (previous terminated container \"redis\" in pod"
                        + " \"redis-0\" not found)");
    }

    @Test
    void expectationMode_aPrecheckOnTheLogs_putsTheMatchingLinesIntoThePlanAndTheAudit() {
        ExpectationServer.pods(server, NS, "worker", ExpectationServer.pod(NS, "worker-1", "worker", "app"));
        server.expect()
                .get()
                .withPath(LOG + "worker-1/log?pretty=false&tailLines=50")
                .andReturn(200, "java.lang.OutOfMemoryError: Java heap space (secret=topsecret)\n")
                .always();
        PodLogs logs = k8s.podLogs(NS, "app=worker").tailLines(50).count("OutOfMemoryError");
        RecordingAuditSink audit = new RecordingAuditSink();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(audit)
                .approvals(ApprovalGate.approveAll("test", "logs"))
                .build();
        Runbook runbook = Runbook.builder("INC-001", "OOM check")
                .verify("worker logs show the OOM", logs, PodLogs.atLeast("OutOfMemoryError", 1))
                .build();
        Plan plan = engine.plan(runbook);
        var report = engine.apply(runbook, plan);
        audit.assertPaired();
        String finished = audit.events(AuditEvent.Type.STEP_FINISHED).get(0).message();
        assertThat(finished)
                .contains("logs of smp-asia/smp-prod/pods app=worker, tail 50 has at least 1 lines matching"
                        + " 'OutOfMemoryError': OutOfMemoryError: 1 in 1 lines of 1 pod")
                .contains("worker-1: java.lang.OutOfMemoryError: Java heap space (secret=***)")
                .doesNotContain("topsecret");
        assertThat(report.toString()).doesNotContain("topsecret");
    }

    @Test
    void missingPod_forbiddenLogs_andBadInputs_areRefusedNamingThem() {
        server.expect()
                .get()
                .withPath(LOG + "redis-9")
                .andReturn(404, new StatusBuilder().withCode(404).build())
                .once();
        assertThatThrownBy(() -> k8s.podLogs(NS, "pod/redis-9").read())
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no pod 'redis-9' in namespace 'smp-prod' of context smp-asia");
        ExpectationServer.pods(server, NS, "db", ExpectationServer.pod(NS, "db-0", "db", "db"));
        server.expect()
                .get()
                .withPath(LOG + "db-0/log?pretty=false&tailLines=1000")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withMessage(
                                        "pods \"db-0\" is forbidden: User \"ops\" cannot get resource \"pods/log\"")
                                .build())
                .once();
        assertThatThrownBy(() -> k8s.podLogs(NS, "app=db").read())
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("read the log of pod smp-prod/db-0 is forbidden")
                .hasMessageContaining("cannot get resource \"pods/log\"");
        assertThatThrownBy(() -> k8s.podLogs(NS, "app=db").count("")).hasMessageContaining("would match every line");
        assertThatThrownBy(() -> k8s.podLogs(NS, "app")).hasMessageContaining("is not an equality selector");
        assertThatThrownBy(() -> k8s.podLogs(NS, "app=db").tailLines(0)).hasMessageContaining("tailLines must be >= 1");
        assertThatThrownBy(() -> k8s.podLogs("", "app=db")).hasMessageContaining("namespace is missing");
    }
}
