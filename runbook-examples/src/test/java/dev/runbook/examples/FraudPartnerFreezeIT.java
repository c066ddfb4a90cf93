package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.ExpectationServer;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-011 on real sockets: fabric8's mock API server in expectation mode serves {@code kubectl exec
 * partner-svc-0} (its websocket protocol, for exactly the expected argv), and its tap plays partner-svc's
 * admin command: it sets the wallet's status in {@link FraudServices}, the JDK HTTP server standing in for
 * finance-svc's fraud alerts and partner-svc's status endpoint, both behind the bearer token.
 */
class FraudPartnerFreezeIT {
    static final String NS = FraudPartnerFreeze.NAMESPACE;
    static final String POD = FraudPartnerFreeze.POD;
    static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    static final String REASON = "fraud_alert_INC-011-2026-05-28";
    static final String ALERTS = "[{\"partner_id\":\"P001\",\"txn_id\":\"TX-1001\",\"amount_vnd\":350000000,"
            + "\"signals\":[\"velocity\",\"geo_mismatch\"]},"
            + "{\"partner_id\":\"P001\",\"txn_id\":\"TX-1002\",\"amount_vnd\":20000000,\"signals\":[\"velocity\"]},"
            + "{\"partner_id\":\"P007\",\"txn_id\":\"TX-2001\",\"amount_vnd\":5000000,"
            + "\"signals\":[\"amount_10x_first_time\"]}]";
    /** A reason a shell would split and interpret; as one argv element it reaches the command as typed. */
    static final String SHELLY = "chargeback risk; \"P001\" $(rm -rf /) & 'more'";

    static final Pattern AMPERSAND = Pattern.compile("&");
    static final List<List<String>> execs = new CopyOnWriteArrayList<>();
    static FraudServices services;
    static KubernetesMockServer server;
    static K8sActions k8s;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        services = new FraudServices();
        server = ExpectationServer.start(r -> {
            if (r.getPath().contains("/exec?")) {
                List<String> argv = argv(r.getPath());
                execs.add(argv);
                String partner = argv.get(2).substring("--partner=".length());
                if (argv.get(1).equals("freeze")) {
                    services.status(partner, FraudPartnerFreeze.FROZEN);
                } else if (argv.get(1).equals("unfreeze")) {
                    services.status(partner, FraudPartnerFreeze.ACTIVE);
                }
            }
        });
        k8s = K8sActions.of(server.createClient(), "smp-asia");
    }

    @AfterAll
    static void stop() {
        k8s.close();
        server.destroy();
        services.close();
    }

    @BeforeEach
    void stage() {
        server.reset();
        services.reset();
        execs.clear();
        services.alerts(ALERTS);
        services.status("P001", FraudPartnerFreeze.ACTIVE);
        services.status("P002", FraudPartnerFreeze.ACTIVE);
        var pod = ExpectationServer.pod(NS, POD, "partner-svc", "partner-svc");
        server.expect().get().withPath(PODS + "/" + POD).andReturn(200, pod).always();
        // fabric8 reads the pod's state (a list by name, with list metadata for its informer) before an exec
        server.expect()
                .get()
                .withPath(PODS + "?fieldSelector=metadata.name%3D" + POD)
                .andReturn(
                        200,
                        new PodListBuilder()
                                .withNewMetadata()
                                .withResourceVersion("1")
                                .endMetadata()
                                .withItems(pod)
                                .build())
                .always();
        for (String verb : List.of("freeze", "unfreeze")) {
            for (String reason : List.of(REASON, "false_positive_verified_by_phone", SHELLY)) {
                server.expect()
                        .withPath(execPath(FraudPartnerFreeze.argv(verb, "P001", reason)))
                        .andUpgradeToWebSocket()
                        .open(new OutputStreamMessage("partner P001 " + verb + "\n"), new StatusStreamMessage(0))
                        .done()
                        .always();
            }
        }
    }

    /** The exec subresource's path for {@code argv}, as fabric8 sends it (it names the pod's only container). */
    static String execPath(List<String> argv) {
        StringBuilder b = new StringBuilder(PODS + "/" + POD + "/exec?");
        for (String a : argv) {
            // fabric8 writes a space as %20 where URLEncoder writes '+' (a literal '+' is %2B either way)
            b.append("command=")
                    .append(URLEncoder.encode(a, StandardCharsets.UTF_8).replace("+", "%20"))
                    .append('&');
        }
        return b.append("container=partner-svc&stdout=true&stderr=true").toString();
    }

    /** The argv the API server received, decoded from the exec request's {@code command} parameters. */
    static List<String> argv(String path) {
        return AMPERSAND
                .splitAsStream(path.substring(path.indexOf('?') + 1))
                .filter(p -> p.startsWith("command="))
                .map(p -> URLDecoder.decode(p.substring("command=".length()), StandardCharsets.UTF_8))
                .toList();
    }

    private Runbook freeze(String partner, Secret token) {
        return FraudPartnerFreeze.runbook(k8s, services.baseUrl(), services.baseUrl(), token, partner, REASON);
    }

    private static RunbookEngine engine(JsonLinesAuditSink audit) {
        return RunbookEngine.builder()
                .actor("it")
                .approvals(TestApprovals.approvingAll())
                .audit(audit)
                .build();
    }

    @Test
    void freezesOnceWithTheExactArgv_aRerunIsUnchanged_theTokenNeverShows() throws Exception {
        Path file = dir.resolve("audit-INC-011.jsonl");
        Runbook rb = freeze("P001", services.token());
        Plan plan;
        Report report;
        Plan again;
        Report rerun;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = engine(audit);
            plan = engine.plan(rb);
            assertThat(plan)
                    .isReady()
                    .hasStep("partner-is-flagged")
                    .withSummaryContaining("P001: TX-1001 350,000,000 VND [velocity, geo_mismatch]")
                    .withSummaryContaining("P007: TX-2001");
            assertThat(plan)
                    .hasStep("largest-flagged-txn")
                    .withSummaryContaining("TX-1001 350,000,000 VND, above 300,000,000 VND: the SBV report is due");
            assertThat(plan)
                    .hasStep("freeze-partner")
                    .withSummaryContaining("run [/app/bin/admin, freeze, --partner=P001, --reason=" + REASON + "]")
                    .withSummaryContaining("smp-asia/smp-prod/pod/partner-svc-0")
                    .requiresApproval();
            assertThat(execs).as("the plan ran no exec").isEmpty();
            assertThat(services.status("P001")).isEqualTo("ACTIVE");

            report = engine.apply(rb, plan);
            assertThat(report).succeeded().step("freeze-partner").hasOutcome(Outcome.CHANGED);
            assertThat(report).step("partner-is-frozen").hasOutcome(Outcome.UNCHANGED);
            assertThat(execs)
                    .containsExactly(List.of("/app/bin/admin", "freeze", "--partner=P001", "--reason=" + REASON));
            assertThat(services.status("P001")).isEqualTo("FROZEN");
            assertThat(services.status("P002")).isEqualTo("ACTIVE");

            again = engine.plan(rb);
            assertThat(again)
                    .isReady()
                    .hasStep("freeze-partner")
                    .withSummaryContaining("already done")
                    .withSummaryContaining("(FROZEN)");
            rerun = engine.apply(rb, again);
        }
        assertThat(rerun).succeeded().step("freeze-partner").hasOutcome(Outcome.UNCHANGED);
        assertThat(execs).as("no second exec").hasSize(1);

        String auditText = Files.readString(file);
        assertThat(auditText).contains("--reason=" + REASON);
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
        assertThat(plan).doesNotReveal(services.token());
        assertThat(report).doesNotReveal(services.token());
        String secret = services.token().reveal().substring("Bearer ".length());
        for (String text : List.of(
                auditText,
                plan.toString(),
                Json.write(plan),
                report.toString(),
                Json.write(report),
                again.toString(),
                rerun.toString())) {
            assertThat(text).doesNotContain(secret);
        }
        assertThat(services.requests()).isNotEmpty().allSatisfy(r -> assertThat(r)
                .endsWith("-> 200"));
    }

    @Test
    void aPartnerNotFlagged_isRefusedNamingTheFlaggedOnes_nothingRuns() throws Exception {
        Runbook rb = freeze("P002", services.token());
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            assertThat(plan)
                    .isNotReady()
                    .hasRefusalContaining("precheck 'P002 is flagged by fraud detection' does not hold")
                    .hasRefusalContaining("P001: TX-1001")
                    .hasRefusalContaining("P007: TX-2001");
            assertThatThrownBy(() -> engine.apply(rb, plan)).isInstanceOf(RefusedException.class);
        }
        assertThat(execs).isEmpty();
        assertThat(services.status("P002")).isEqualTo("ACTIVE");
    }

    @Test
    void aWrongToken_isAClearErrorThatDoesNotPrintIt_nothingRuns() throws Exception {
        Runbook rb = freeze("P001", Secret.of("Bearer wrong-jwt-s3cr3t"));
        Plan plan;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            plan = engine.plan(rb);
            assertThat(plan)
                    .isNotReady()
                    .hasRefusalContaining("/internal/fraud-alerts/recent?hours=1 answered 401")
                    .hasRefusalContaining("check the URL and the token");
            Plan refused = plan;
            assertThatThrownBy(() -> engine.apply(rb, refused))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageNotContaining("wrong-jwt-s3cr3t");
        }
        assertThat(plan.toString()).doesNotContain("wrong-jwt-s3cr3t");
        assertThat(Json.write(plan)).doesNotContain("wrong-jwt-s3cr3t");
        assertThat(Files.readString(dir.resolve("audit.jsonl"))).doesNotContain("wrong-jwt-s3cr3t");
        assertThat(execs).isEmpty();
        assertThat(services.status("P001")).isEqualTo("ACTIVE");
    }

    @Test
    void unfreeze_afterAFalsePositive_runsItsOwnCommandOnce() throws Exception {
        services.status("P001", FraudPartnerFreeze.FROZEN);
        Runbook rb = FraudPartnerFreeze.unfreeze(
                k8s, services.baseUrl(), services.token(), "P001", "false_positive_verified_by_phone");
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            Report report = engine.apply(rb, engine.plan(rb));
            assertThat(report).succeeded().step("unfreeze-partner").hasOutcome(Outcome.CHANGED);
            assertThat(engine.apply(rb, engine.plan(rb)))
                    .succeeded()
                    .step("unfreeze-partner")
                    .hasOutcome(Outcome.UNCHANGED);
        }
        assertThat(execs)
                .containsExactly(List.of(
                        "/app/bin/admin", "unfreeze", "--partner=P001", "--reason=false_positive_verified_by_phone"));
        assertThat(services.status("P001")).isEqualTo("ACTIVE");
    }

    @Test
    void frozenByAnotherOperatorAfterThePlan_theApplyIsUnchanged_noExec() throws Exception {
        Runbook rb = freeze("P001", services.token());
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            services.status("P001", FraudPartnerFreeze.FROZEN); // someone froze it by hand meanwhile
            assertThat(engine.apply(rb, plan))
                    .succeeded()
                    .step("freeze-partner")
                    .hasOutcome(Outcome.UNCHANGED);
        }
        assertThat(execs).isEmpty();
    }

    @Test
    void aReasonWithShellCharacters_reachesTheCommandAsOneArgument() throws Exception {
        Runbook rb = FraudPartnerFreeze.runbook(
                k8s, services.baseUrl(), services.baseUrl(), services.token(), "P001", SHELLY);
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            assertThat(engine.apply(rb, engine.plan(rb))).succeeded();
        }
        assertThat(execs).containsExactly(List.of("/app/bin/admin", "freeze", "--partner=P001", "--reason=" + SHELLY));
        assertThat(services.status("P001")).isEqualTo("FROZEN");
    }
}
