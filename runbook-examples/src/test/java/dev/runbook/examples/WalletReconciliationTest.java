package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.k8s.ExecInPod;
import dev.runbook.k8s.K8sActions;
import dev.runbook.sql.QueryResult;
import dev.runbook.sql.SqlActions;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** INC-010's shape, parameters and refusals against fakes (nothing connects); applied on MariaDB in {@link WalletReconciliationIT}. */
@RunbookTest
class WalletReconciliationTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T03:00:00Z"), ZoneOffset.UTC);
    static final LocalDate DAY = LocalDate.of(2026, 12, 6);
    static SqlActions finance;
    static K8sActions k8s;

    @BeforeAll
    static void actions() {
        finance = SqlActions.connect("jdbc:mariadb://127.0.0.1:1/finance", "recon", Secret.of("never-used"));
        k8s = K8sActions.of(
                new KubernetesClientBuilder()
                        .withConfig(new ConfigBuilder()
                                .withMasterUrl("https://127.0.0.1:1")
                                .build())
                        .build(),
                "smp-asia");
    }

    @AfterAll
    static void close() {
        finance.close();
        k8s.client().close();
    }

    static Runbook runbook() {
        return runbook(
                DAY,
                WalletReconciliation.TOLERANCE_PCT,
                WalletReconciliation.TOLERANCE_AMOUNT,
                "wallet_reconciliation");
    }

    static Runbook runbook(LocalDate day, BigDecimal pct, BigDecimal amount, String table) {
        return WalletReconciliation.runbook(
                finance, k8s, day, pct, amount, Duration.ofMinutes(15), "smp-prod", "vnpay", table, CLOCK);
    }

    static QueryResult report(long wallets, long off) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("wallets", wallets);
        row.put("out_of_tolerance", new BigDecimal(off));
        return new QueryResult("mariadb://127.0.0.1:1", "report", List.of("wallets", "out_of_tolerance"), List.of(row));
    }

    static QueryResult worst(String... pcts) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        int i = 1;
        for (String pct : pcts) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partner_id", "P-00" + i++);
            row.put("diff_amount", new BigDecimal("250000.00"));
            row.put("diff_pct", new BigDecimal(pct));
            out.add(row);
        }
        return new QueryResult("mariadb://127.0.0.1:1", "worst", List.of("partner_id", "diff_amount", "diff_pct"), out);
    }

    static QueryResult none() {
        return new QueryResult("mariadb://127.0.0.1:1", "none", List.of("id"), List.of());
    }

    static QueryResult one(String column, Object value) {
        return new QueryResult("mariadb://127.0.0.1:1", "one", List.of(column), List.of(Map.of(column, value)));
    }

    @Test
    void followsTheSeed_theReplayIsAnArgvForTheReportDatesUtcDay() {
        Runbook rb = runbook();

        assertThat(rb.id()).isEqualTo("INC-010");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "report-is-in",
                        "no-wallet-off-by-more-than-5-pct",
                        "currency-rates-are-fresh",
                        "no-adjustment-without-gateway-txn",
                        "escalate",
                        "replay-webhooks",
                        "all-wallets-reconcile",
                        "document-the-root-cause");
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        Step.Act replay = (Step.Act) rb.step("replay-webhooks");
        assertThat(replay.title()).isEqualTo("replay vnpay's webhooks for 2026-12-06");
        assertThat(replay.verifyTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(replay.action().destructive()).isTrue();
        ExecInPod.Params p = (ExecInPod.Params) replay.action().parameters();
        assertThat(p.namespace()).isEqualTo("smp-prod");
        assertThat(p.pods()).isEqualTo("pod/finance-svc-0");
        assertThat(p.argv())
                .containsExactly(
                        "/app/bin/replay-webhooks",
                        "--gateway=vnpay",
                        "--from=2026-12-06T00:00:00Z",
                        "--to=2026-12-07T00:00:00Z");
        assertThat(p.doneWhen())
                .isEqualTo("mariadb://127.0.0.1:1 wallets reconciled on 2026-12-06 has wallets, none out of"
                        + " tolerance (|diff_pct| <= 0.01 %, |diff_amount| <= 100000)");
        assertThat(p.timeoutSeconds()).isEqualTo(900);
        assertThat(((Step.Check<?>) rb.step("no-wallet-off-by-more-than-5-pct")).probe())
                .isInstanceOfSatisfying(dev.runbook.sql.SqlQuery.class, q -> {
                    assertThat(q.sql()).contains("ORDER BY ABS(diff_pct) DESC").contains("LIMIT 10");
                    assertThat(q.params()).containsExactly(DAY, new BigDecimal("0.01"), new BigDecimal("100000"));
                });
        assertThat(((Step.Check<?>) rb.step("currency-rates-are-fresh")).probe())
                .isInstanceOfSatisfying(dev.runbook.sql.SqlQuery.class, q -> assertThat(q.params())
                        .containsExactly(DAY, DAY.minusDays(1)));
    }

    @Test
    void withFakes_replaysOnceAfterTheEscalation_andVerifiesEveryWalletReconciled(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(runbook());
        fakes.probe("report-is-in").then(report(40, 3), report(40, 3), report(40, 0));
        fakes.probe("no-wallet-off-by-more-than-5-pct").set(worst("1.20", "0.50", "0.02"));
        fakes.probe("currency-rates-are-fresh").set(none());
        fakes.probe("no-adjustment-without-gateway-txn").set(none());

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady();
        assertThat(plan).hasStep("replay-webhooks").requiresApproval();
        Report report = engine.apply(fakes.runbook(), plan);

        assertThat(report).succeeded();
        assertThat(report).step("replay-webhooks").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("all-wallets-reconcile").hasOutcome(Outcome.UNCHANGED);
        assertThat(fakes.action("replay-webhooks").applies()).isEqualTo(1);
        assertThat(approvals.askedFor()).containsExactly("escalate", "replay-webhooks", "document-the-root-cause");
        audit.assertPaired();
    }

    @Test
    void withFakes_aWalletOffByMoreThan5Percent_isRefused_sayingToPageTheCfo(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(runbook());
        fakes.probe("report-is-in").set(report(40, 2));
        fakes.probe("no-wallet-off-by-more-than-5-pct").set(worst("6.5", "0.3"));
        fakes.probe("currency-rates-are-fresh").set(none());
        fakes.probe("no-adjustment-without-gateway-txn").set(none());

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'no wallet is off by more than 5%' does not hold")
                .hasRefusalContaining("page the CFO")
                .hasRefusalContaining("diff_pct=6.5");
        assertThat(fakes.action("replay-webhooks").applies()).isZero();
    }

    @Test
    void withFakes_staleRatesAnAdjustmentOrNoReport_areRefusedWithTheSeedsScenario(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(runbook());
        fakes.probe("report-is-in").set(report(0, 0));
        fakes.probe("no-wallet-off-by-more-than-5-pct").set(none());
        fakes.probe("currency-rates-are-fresh").set(one("from_currency", "USD"));
        fakes.probe("no-adjustment-without-gateway-txn").set(one("created_by", "ops.thu"));

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("wallet-reconciliation-cron has not reconciled 2026-12-06; run it first")
                .hasRefusalContaining("scenario 3: trigger the rate refresh")
                .hasRefusalContaining("from_currency=USD")
                .hasRefusalContaining("scenario 2: Finance checks each one's reason")
                .hasRefusalContaining("created_by=ops.thu");
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void withFakes_aPlanForOneDayOrTolerance_isNotAppliedToAnother(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(runbook());
        fakes.probe("report-is-in").set(report(40, 3));
        fakes.probe("no-wallet-off-by-more-than-5-pct").set(worst("1.2"));
        fakes.probe("currency-rates-are-fresh").set(none());
        fakes.probe("no-adjustment-without-gateway-txn").set(none());
        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady();

        for (Runbook other : List.of(
                runbook(
                        DAY.minusDays(1),
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        "wallet_reconciliation"),
                runbook(DAY, new BigDecimal("0.5"), WalletReconciliation.TOLERANCE_AMOUNT, "wallet_reconciliation"))) {
            RunbookFakes moved = RunbookFakes.of(other);
            assertThatThrownBy(() -> engine.apply(moved.runbook(), plan))
                    .isInstanceOf(dev.runbook.core.StalePlanException.class);
            assertThat(moved.action("replay-webhooks").applies()).isZero();
        }
    }

    @Test
    void badInputs_areRefusedNamingTheValueAndTheWayOut() {
        assertThat(WalletReconciliation.reportDate("yesterday", CLOCK)).isEqualTo(DAY);
        assertThat(WalletReconciliation.reportDate(" 2026-12-01 ", CLOCK)).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThatThrownBy(() -> WalletReconciliation.reportDate("06/12/2026", CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reportDate '06/12/2026' is neither 'yesterday' nor a date such as 2026-12-06");
        assertThatThrownBy(() -> runbook(
                        LocalDate.of(2026, 12, 8),
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        "wallet_reconciliation"))
                .hasMessageContaining("reportDate 2026-12-08 is not over yet (today is 2026-12-07 UTC)")
                .hasMessageContaining("give a past day such as 2026-12-06");
        assertThatThrownBy(() -> runbook(
                        LocalDate.of(2026, 12, 7),
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        "wallet_reconciliation"))
                .hasMessageContaining("is not over yet");
        assertThatThrownBy(() -> runbook(DAY, BigDecimal.ZERO, WalletReconciliation.TOLERANCE_AMOUNT, "t"))
                .hasMessageContaining("tolerancePct must be above 0")
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> runbook(DAY, new BigDecimal("-0.01"), WalletReconciliation.TOLERANCE_AMOUNT, "t"))
                .hasMessageContaining("tolerancePct must be above 0");
        assertThatThrownBy(() -> runbook(DAY, new BigDecimal("5"), WalletReconciliation.TOLERANCE_AMOUNT, "t"))
                .hasMessageContaining("below the CFO escalation of 5");
        assertThatThrownBy(() -> runbook(DAY, WalletReconciliation.TOLERANCE_PCT, new BigDecimal("-100000"), "t"))
                .hasMessageContaining("toleranceAmount must be above 0 (the seed's is 100000 VND), was -100000");
        assertThatThrownBy(() -> runbook(
                        DAY,
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        "wallet_reconciliation; DROP TABLE x"))
                .hasMessageContaining("reconTable must be a table name such as 'wallet_reconciliation'");
        assertThatThrownBy(() -> WalletReconciliation.runbook(
                        finance,
                        k8s,
                        DAY,
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        Duration.ZERO,
                        "smp-prod",
                        "vnpay",
                        "t",
                        CLOCK))
                .hasMessageContaining("reconcileTimeout must be at least 1 s");
        assertThatThrownBy(() -> WalletReconciliation.runbook(
                        finance,
                        k8s,
                        DAY,
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        Duration.ofMinutes(1),
                        "smp-prod",
                        "vnpay --to=now",
                        "t",
                        CLOCK))
                .hasMessageContaining("gateway must be a plain name such as 'vnpay'");
    }
}
