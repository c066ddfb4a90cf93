package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Journal;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.ExpectationServer;
import dev.runbook.sql.SqlActions;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-010 on a real MariaDB (runbook-sql-test's shared primary) holding the finance tables the seed names,
 * with finance-svc's {@code kubectl exec} served by fabric8's mock API server in expectation mode. The
 * gateway is modelled by the server's tap: an exec of {@code /app/bin/replay-webhooks} delivers the
 * webhooks SMP missed inside the exec's {@code --from}/{@code --to} window, as finance-svc would apply them
 * (a payment row with its gateway txn id, the wallet's balance and report row updated).
 */
@ExtendWith(SqlServers.class)
class WalletReconciliationIT {
    static final String NS = WalletReconciliation.NAMESPACE;
    static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    static final List<String> execs = new CopyOnWriteArrayList<>();
    static SqlServer db;
    static KubernetesMockServer server;
    static K8sActions k8s;
    static SqlActions finance;

    /** The webhooks the gateway sent on {@link #DAY} that SMP missed: partner, amount, gateway txn id. */
    static final List<Object[]> MISSED = List.of(
            new Object[] {"P-006", new BigDecimal("250000.00"), "GW-9001"},
            new Object[] {"P-007", new BigDecimal("120000.00"), "GW-9002"},
            new Object[] {"P-008", new BigDecimal("50000.00"), "GW-9003"});

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = SqlServers.mariadb().primary();
        server = ExpectationServer.start(r -> {
            if (r.getPath().contains("/exec?") && r.getPath().contains("replay-webhooks")) {
                execs.add(r.getPath());
                deliver(URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8));
            }
        });
        k8s = K8sActions.of(server.createClient(), "smp-asia");
        finance =
                SqlActions.connect(db.jdbcUrl().replaceAll("/$", "") + "/finance", db.adminUser(), db.adminPassword());
    }

    @AfterAll
    static void stop() {
        finance.close();
        k8s.client().close();
        server.destroy();
    }

    @BeforeEach
    void stage() {
        execs.clear();
        server.reset();
        Pod pod = ExpectationServer.pod(NS, "finance-svc-0", "finance-svc", "app");
        server.expect()
                .get()
                .withPath(PODS + "/finance-svc-0")
                .andReturn(200, pod)
                .always();
        server.expect()
                .get()
                .withPath(PODS + "?fieldSelector=metadata.name%3Dfinance-svc-0")
                .andReturn(200, new PodListBuilder().withItems(pod).build())
                .always();
        server.expect()
                .withPath(PODS + "/finance-svc-0/exec?" + replayQuery(DAY) + "&container=app&stdout=true&stderr=true")
                .andUpgradeToWebSocket()
                .open(new OutputStreamMessage("replayed 3 webhooks from vnpay\n"), new StatusStreamMessage(0))
                .done()
                .always();
        LocalDate d = DAY;
        db.execute(
                "DROP DATABASE IF EXISTS finance",
                "CREATE DATABASE finance",
                "CREATE TABLE finance.wallet_reconciliation (partner_id varchar(20), recon_date date, smp_balance"
                        + " decimal(18,2), gateway_balance decimal(18,2), diff_amount decimal(18,2), diff_pct"
                        + " decimal(9,4), last_txn_id varchar(40), PRIMARY KEY (partner_id, recon_date))",
                "CREATE TABLE finance.partner_wallet_transactions (id bigint AUTO_INCREMENT PRIMARY KEY, partner_id"
                        + " varchar(20), type varchar(20), amount decimal(18,2), gateway_txn_id varchar(40),"
                        + " created_by varchar(40), created_at datetime)",
                "CREATE TABLE finance.currency_rates (from_currency char(3), to_currency char(3), rate"
                        + " decimal(18,6), rate_date date, PRIMARY KEY (from_currency, to_currency, rate_date))",
                // five wallets that reconcile, three short by a missed webhook, one within tolerance
                "INSERT INTO finance.wallet_reconciliation VALUES"
                        + recon(d, "P-001", "1000000.00", "1000000.00", "GW-1001") + ","
                        + recon(d, "P-002", "2500000.00", "2500000.00", "GW-1002") + ","
                        + recon(d, "P-003", "800000.00", "800000.00", "GW-1003") + ","
                        + recon(d, "P-004", "15000000.00", "15000000.00", "GW-1004") + ","
                        + recon(d, "P-005", "300000.00", "300000.00", "GW-1005") + ","
                        + recon(d, "P-006", "9750000.00", "10000000.00", "GW-1006") + ","
                        + recon(d, "P-007", "4880000.00", "5000000.00", "GW-1007") + ","
                        + recon(d, "P-008", "99950000.00", "100000000.00", "GW-1008") + ","
                        + recon(d, "P-009", "199990000.00", "200000000.00", "GW-1009") + ","
                        // the day before, off by 30%: another report, never touched
                        + recon(d.minusDays(1), "P-006", "7000000.00", "10000000.00", "GW-0906"),
                "INSERT INTO finance.partner_wallet_transactions (partner_id, type, amount, gateway_txn_id,"
                        + " created_by, created_at) VALUES ('P-001', 'payment', 1000000.00, 'GW-1001', 'vnpay', '" + d
                        + " 09:10:00'), ('P-006', 'payment', 9750000.00, 'GW-1006', 'vnpay', '" + d + " 10:00:00'),"
                        // an adjustment without a gateway txn, on a wallet that reconciles: not scenario 2
                        + " ('P-002', 'adjustment', 20000.00, NULL, 'ops.thu', '" + d + " 11:00:00')",
                "INSERT INTO finance.currency_rates VALUES ('USD', 'VND', 25400, '" + d + "'), ('USD', 'VND', 25380,"
                        + " '" + d.minusDays(1) + "'), ('EUR', 'VND', 27500, '" + d.minusDays(6) + "'), ('EUR', 'VND',"
                        + " 27610, '" + d.minusDays(1) + "')");
    }

    static String recon(LocalDate d, String partner, String smp, String gateway, String lastTxn) {
        BigDecimal diff = new BigDecimal(smp).subtract(new BigDecimal(gateway));
        BigDecimal pct = diff.multiply(BigDecimal.valueOf(100))
                .divide(new BigDecimal(gateway), 4, java.math.RoundingMode.HALF_UP);
        return "('" + partner + "', '" + d + "', " + smp + ", " + gateway + ", " + diff + ", " + pct + ", '" + lastTxn
                + "')";
    }

    /**
     * {@code command=...&command=...} of the replay for {@code day}, as fabric8 encodes the argv (it then
     * names the pod's only container).
     */
    static String replayQuery(LocalDate day) {
        return List.of(
                        "/app/bin/replay-webhooks",
                        "--gateway=vnpay",
                        "--from=" + day + "T00:00:00Z",
                        "--to=" + day.plusDays(1) + "T00:00:00Z")
                .stream()
                .map(a -> "command=" + URLEncoder.encode(a, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** finance-svc applying the gateway's webhooks of the exec's window (only those of {@link #DAY} exist). */
    static void deliver(String path) {
        if (!path.contains("--from=" + DAY + "T00:00:00Z")
                || !path.contains("--to=" + DAY.plusDays(1) + "T00:00:00Z")) {
            return;
        }
        List<String> sql = new ArrayList<>();
        for (Object[] w : MISSED) {
            sql.add("INSERT INTO finance.partner_wallet_transactions (partner_id, type, amount, gateway_txn_id,"
                    + " created_by, created_at) VALUES ('" + w[0] + "', 'payment', " + w[1] + ", '" + w[2]
                    + "', 'vnpay', '" + DAY + " 12:00:00')");
            sql.add("UPDATE finance.wallet_reconciliation SET smp_balance = smp_balance + " + w[1]
                    + ", diff_amount = diff_amount + " + w[1] + ", diff_pct = ROUND((diff_amount) * 100 /"
                    + " gateway_balance, 4), last_txn_id = '" + w[2] + "' WHERE partner_id = '" + w[0]
                    + "' AND recon_date = '" + DAY + "'");
        }
        db.execute(sql.toArray(String[]::new));
    }

    static Runbook runbook(String reconTable) {
        return WalletReconciliation.runbook(
                finance,
                k8s,
                DAY,
                WalletReconciliation.TOLERANCE_PCT,
                WalletReconciliation.TOLERANCE_AMOUNT,
                Duration.ofSeconds(20),
                NS,
                "vnpay",
                reconTable,
                Clock.systemUTC());
    }

    /** Everything the runbook could write, read straight from the server. */
    static List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> all = new ArrayList<>(
                db.query("SELECT * FROM finance.wallet_reconciliation ORDER BY recon_date, partner_id"));
        all.addAll(db.query("SELECT * FROM finance.partner_wallet_transactions ORDER BY id"));
        all.addAll(db.query("SELECT * FROM finance.currency_rates ORDER BY from_currency, rate_date"));
        return all;
    }

    RunbookEngine engine(JsonLinesAuditSink audit) {
        return RunbookEngine.builder()
                .actor("it")
                .incident("IT-INC-010")
                .approvals(TestApprovals.approvingAll())
                .audit(audit)
                .journal(Journal.files(dir.resolve("journal")))
                .build();
    }

    @Test
    void replaysTheMissedWebhooksOnce_everyWalletReconciles_andARerunReplaysNothing() throws Exception {
        Runbook rb = runbook("wallet_reconciliation");
        Path file = dir.resolve("audit.jsonl");
        List<Map<String, Object>> before = snapshot();
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady();
            assertThat(plan.step("no-wallet-off-by-more-than-5-pct").check().observed())
                    .as("the worst wallets, worst first; P-009 is within tolerance")
                    .startsWith("3 rows: {partner_id=P-006")
                    .contains("diff_pct=-2.5000")
                    .contains("partner_id=P-007")
                    .contains("partner_id=P-008")
                    .doesNotContain("P-009");
            assertThat(plan)
                    .hasStep("replay-webhooks")
                    .withSummaryContaining(
                            "run [/app/bin/replay-webhooks, --gateway=vnpay, --from=" + DAY + "T00:00:00Z, --to="
                                    + DAY.plusDays(1) + "T00:00:00Z] once in smp-asia/smp-prod/pod/finance-svc-0");
            assertThat(snapshot()).as("the plan wrote nothing").isEqualTo(before);
            assertThat(execs).as("the plan ran nothing in the pod").isEmpty();

            report = engine.apply(rb, plan);
        }

        assertThat(report).succeeded();
        assertThat(report).step("replay-webhooks").hasOutcome(Outcome.CHANGED).verificationPassed();
        assertThat(report).step("all-wallets-reconcile").hasOutcome(Outcome.UNCHANGED);
        assertThat(execs).singleElement().asString().contains(replayQuery(DAY));
        assertThat(db.query("SELECT partner_id FROM finance.wallet_reconciliation WHERE recon_date = '" + DAY
                        + "' AND (ABS(diff_pct) > 0.01 OR ABS(diff_amount) > 100000)"))
                .as("every wallet of the day within tolerance")
                .isEmpty();
        assertThat(db.scalar("SELECT CONCAT(smp_balance, '/', gateway_balance, '/', diff_amount, '/', last_txn_id)"
                        + " FROM finance.wallet_reconciliation WHERE partner_id = 'P-006' AND recon_date = '" + DAY
                        + "'"))
                .isEqualTo("10000000.00/10000000.00/0.00/GW-9001");
        assertThat(db.scalar("SELECT diff_pct FROM finance.wallet_reconciliation WHERE partner_id = 'P-006' AND"
                        + " recon_date = '" + DAY.minusDays(1) + "'"))
                .as("the day before is another report")
                .isEqualTo("-30.0000");
        assertThat(db.query("SELECT gateway_txn_id, COUNT(*) AS n FROM finance.partner_wallet_transactions WHERE"
                        + " gateway_txn_id LIKE 'GW-900%' GROUP BY gateway_txn_id ORDER BY gateway_txn_id"))
                .as("each missed webhook applied once")
                .extracting(m -> m.get("gateway_txn_id") + "x" + m.get("n"))
                .containsExactly("GW-9001x1", "GW-9002x1", "GW-9003x1");
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();

        // run again: the wallets reconcile, so the replay is done and runs nothing
        List<Map<String, Object>> after = snapshot();
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit-2.jsonl"))) {
            RunbookEngine engine = engine(audit);
            Plan again = engine.plan(rb);
            assertThat(again).isReady();
            assertThat(again).hasStep("replay-webhooks").withSummaryContaining("already done");
            Report rerun = engine.apply(rb, again);
            assertThat(rerun).succeeded();
            assertThat(rerun).step("replay-webhooks").hasOutcome(Outcome.UNCHANGED);
        }
        assertThat(execs).as("replayed once in all").hasSize(1);
        assertThat(snapshot()).isEqualTo(after);
    }

    @Test
    void aWalletOver5Percent_staleRates_andAnAdjustmentWithoutAGatewayTxn_refuseTheAutomaticPath() {
        LocalDate d = DAY.minusDays(3);
        db.execute(
                "INSERT INTO finance.wallet_reconciliation VALUES "
                        + recon(d, "P-011", "9300000.00", "10000000.00", "GW-1011") + ","
                        + recon(d, "P-012", "4000000.00", "4150000.00", "GW-1012"),
                "INSERT INTO finance.partner_wallet_transactions (partner_id, type, amount, gateway_txn_id,"
                        + " created_by, created_at) VALUES ('P-012', 'adjustment', -150000.00, NULL, 'ops.minh', '" + d
                        + " 16:30:00')");
        List<Map<String, Object>> before = snapshot();
        Plan plan = RunbookEngine.builder()
                .build()
                .plan(WalletReconciliation.runbook(
                        finance,
                        k8s,
                        d,
                        WalletReconciliation.TOLERANCE_PCT,
                        WalletReconciliation.TOLERANCE_AMOUNT,
                        Duration.ofSeconds(20),
                        NS,
                        "vnpay",
                        "wallet_reconciliation",
                        Clock.systemUTC()));

        assertThat(plan)
                .isNotReady()
                .hasRefusalContaining("precheck 'no wallet is off by more than 5%' does not hold")
                .hasRefusalContaining("partner_id=P-011")
                .hasRefusalContaining("page the CFO")
                .hasRefusalContaining("precheck 'currency rates are fresh' does not hold")
                .hasRefusalContaining("from_currency=EUR, to_currency=VND, latest=" + DAY.minusDays(6))
                .hasRefusalContaining("precheck 'no manual adjustment without a gateway txn' does not hold")
                .hasRefusalContaining("partner_id=P-012")
                .hasRefusalContaining("created_by=ops.minh");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(execs).isEmpty();
    }

    @Test
    void anUnknownTableOrColumn_isNamedInTheRefusal() {
        db.execute(
                "CREATE TABLE finance.recon_v1 (partner_id varchar(20), recon_date date, diff_amount decimal(18,2))");

        assertThat(RunbookEngine.builder().build().plan(runbook("wallet_recon")))
                .isNotReady()
                .hasRefusalContaining("precheck 'the reconciliation report for " + DAY + " is in' does not hold")
                .hasRefusalContaining("Table 'finance.wallet_recon' doesn't exist");
        assertThat(RunbookEngine.builder().build().plan(runbook("recon_v1")))
                .isNotReady()
                .hasRefusalContaining("Unknown column 'diff_pct'");
        assertThat(execs).isEmpty();
    }

    @Test
    void aServerThatIsNotReachable_failsThePlanNamingItAndTheWayOut() {
        int port = SqlServers.freePort();
        try (SqlActions nowhere =
                SqlActions.connect("jdbc:mariadb://127.0.0.1:" + port + "/finance", "recon", Secret.of("x"))) {
            long t0 = System.nanoTime();
            Plan plan = RunbookEngine.builder()
                    .build()
                    .plan(WalletReconciliation.runbook(
                            nowhere,
                            k8s,
                            DAY,
                            WalletReconciliation.TOLERANCE_PCT,
                            WalletReconciliation.TOLERANCE_AMOUNT,
                            Duration.ofSeconds(20),
                            NS,
                            "vnpay",
                            "wallet_reconciliation",
                            Clock.systemUTC()));
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .as("checked once, not per step")
                    .isLessThan(Duration.ofSeconds(25));
            assertThat(plan)
                    .isNotReady()
                    .hasRefusalContaining("mariadb://127.0.0.1:" + port)
                    .hasRefusalContaining("server is running")
                    .hasRefusalContaining("not checked again");
            assertThat(execs).isEmpty();
        }
    }
}
