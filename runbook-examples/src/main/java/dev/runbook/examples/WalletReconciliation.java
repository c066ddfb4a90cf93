package dev.runbook.examples;

import dev.runbook.core.Condition;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.k8s.K8sActions;
import dev.runbook.sql.QueryResult;
import dev.runbook.sql.SqlActions;
import dev.runbook.sql.SqlQuery;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Seed runbook INC-010 "Wallet reconciliation mismatch" as code, for the common case (scenario 1, webhook
 * lag): read the day's reconciliation report, refuse the automatic path where it would be wrong (a wallet
 * off by more than 5%, stale currency rates, a manual adjustment without a gateway transaction), escalate,
 * replay the gateway's webhooks for that day once, and verify that every wallet reconciles.
 *
 * <pre>{@code
 * try (SqlActions finance = SqlActions.connect("jdbc:mariadb://finance-db.smp.local:3306/finance", "recon", pw);
 *         K8sActions k8s = K8sActions.connect("smp-asia")) {
 *     Runbook rb = WalletReconciliation.runbook(finance, k8s, LocalDate.of(2026, 12, 6));
 *     Plan plan = engine.plan(rb);
 * }
 * }</pre>
 *
 * <p>The seed's commands and the steps that replace them:
 *
 * <ul>
 *   <li>{@code kubectl exec -it finance-svc-0 -- /app/bin/recon-report --date=yesterday --format=csv}: the
 *       prechecks {@code report-is-in} (the day's rows of the reconciliation table exist) and {@code
 *       no-wallet-off-by-more-than-5-pct} (the wallets out of tolerance, {@code |diff_pct| > 0.01} % or {@code
 *       |diff_amount| > 100,000} VND, worst first, shown in the plan) read the table directly, read-only.
 *   <li>Escalation ({@code > 1% diff = page on-call, > 5% = page CFO}): above 5% that precheck refuses the
 *       automatic path and says to page the CFO; the manual step {@code escalate} pages on-call above 1%.
 *   <li>Scenario 2, {@code partner_wallet_transactions WHERE type='adjustment'} of the day: precheck {@code
 *       no-adjustment-without-gateway-txn} (on the wallets that are off); whether one is valid is Finance's
 *       call, which the refusal hands to them.
 *   <li>Scenario 3, {@code SELECT ... FROM currency_rates WHERE rate_date >= CURDATE() - INTERVAL 2 DAY}:
 *       precheck {@code currency-rates-are-fresh} (no pair whose latest rate on or before the report date is
 *       more than a day older than it); the refresh and recomputation are Finance's.
 *   <li>Scenario 1, "wait 1h, re-run recon job; if still off" and {@code kubectl exec finance-svc-0 --
 *       /app/bin/replay-webhooks --gateway=vnpay --from=$(date -d 'yesterday 00:00') --to=$(date -d 'today
 *       00:00')}: the action {@code replay-webhooks}, an argv (no shell) whose window is the report date's UTC
 *       day, run only while the wallets are still off ({@code doneWhen}: a rerun, or a mismatch that
 *       resolved itself, replays nothing); its verification waits, at most {@code reconcileTimeout}, until
 *       they reconcile (finance-svc re-reconciles a wallet when its webhooks land; where only the daily job
 *       rewrites the table, re-run it then).
 *   <li>Scenario 4 and Resolve: verify {@code all-wallets-reconcile}, then the manual {@code
 *       document-the-root-cause}.
 * </ul>
 *
 * <p>Tables read: the reconciliation table ({@value #RECON_TABLE}: partner_id, smp_balance, gateway_balance,
 * diff_amount, diff_pct in percent, last_txn_id, recon_date), {@value #TRANSACTIONS} (id, partner_id, type,
 * amount, gateway_txn_id, created_by, created_at) and {@value #RATES} (from_currency, to_currency, rate,
 * rate_date). Every value is bound; only the table name is part of the text, checked as an identifier.
 */
public final class WalletReconciliation {
    /** The namespace of finance-svc. */
    public static final String NAMESPACE = "smp-prod";

    /** The seed's pod: {@code kubectl exec finance-svc-0}. */
    public static final String POD = "pod/finance-svc-0";

    /** The seed's gateway: {@code --gateway=vnpay}. */
    public static final String GATEWAY = "vnpay";

    /** finance-svc's replay command. */
    public static final String REPLAY_WEBHOOKS = "/app/bin/replay-webhooks";

    /** The reconciliation job's result table (the seed's report columns, one row per partner and day). */
    public static final String RECON_TABLE = "wallet_reconciliation";

    /** The seed's wallet transactions (scenario 2). */
    public static final String TRANSACTIONS = "partner_wallet_transactions";

    /** The seed's currency rates (scenario 3). */
    public static final String RATES = "currency_rates";

    /** The seed's trigger: {@code wallet_recon_diff_pct > 0.01%}. */
    public static final BigDecimal TOLERANCE_PCT = new BigDecimal("0.01");

    /** The seed's trigger: absolute diff {@code > 100k VND}. */
    public static final BigDecimal TOLERANCE_AMOUNT = new BigDecimal("100000");

    /** The seed's escalation: above 1% page on-call. */
    public static final BigDecimal PAGE_ON_CALL_PCT = BigDecimal.ONE;

    /** The seed's escalation: above 5% page the CFO (and the automatic path is refused). */
    public static final BigDecimal PAGE_CFO_PCT = new BigDecimal("5");

    /** How long the replay may run and the wallets take to reconcile after it. */
    public static final Duration RECONCILE_TIMEOUT = Duration.ofMinutes(15);

    /** The worst wallets shown in the plan. */
    static final int WORST = 10;

    private WalletReconciliation() {}

    /**
     * The report date as the seed gives it: {@code yesterday} (in UTC, the recon job's zone) or {@code
     * yyyy-MM-dd}.
     *
     * @throws IllegalArgumentException for anything else, naming the two forms
     */
    public static LocalDate reportDate(String text, Clock clock) {
        if (text != null && text.strip().equalsIgnoreCase("yesterday")) {
            return LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
        }
        try {
            return LocalDate.parse(text == null ? "" : text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("reportDate '" + text + "' is neither 'yesterday' nor a date such as"
                    + " 2026-12-06 (yyyy-MM-dd, the UTC day the recon job reconciled)");
        }
    }

    /** The runbook with the seed's values (vnpay, finance-svc-0 in smp-prod, 0.01 % / 100,000 VND, 15 minutes). */
    public static Runbook runbook(SqlActions finance, K8sActions k8s, LocalDate reportDate) {
        return runbook(
                finance,
                k8s,
                reportDate,
                TOLERANCE_PCT,
                TOLERANCE_AMOUNT,
                RECONCILE_TIMEOUT,
                NAMESPACE,
                GATEWAY,
                RECON_TABLE,
                Clock.systemUTC());
    }

    /**
     * The runbook for one report date.
     *
     * @param finance the finance database (read only here)
     * @param k8s the cluster finance-svc runs in
     * @param reportDate the UTC day the recon job reconciled, before today
     * @param tolerancePct {@code |diff_pct|} (in percent) above which a wallet is out of tolerance, such as 0.01
     * @param toleranceAmount {@code |diff_amount|} (VND) above which a wallet is out of tolerance, such as 100000
     * @param reconcileTimeout how long the replay may run and the wallets take to reconcile after it
     * @param namespace finance-svc's namespace
     * @param gateway the payment gateway whose webhooks are replayed, such as {@code vnpay}
     * @param reconTable the reconciliation table, such as {@code wallet_reconciliation} or {@code
     *     finance.wallet_reconciliation}
     * @param clock today's date, to refuse a report date that is not over
     * @throws IllegalArgumentException for a report date today or later, a tolerance that is not above 0 (or a
     *     percentage at or above the 5% escalation), a timeout that is not positive, a blank namespace, a
     *     gateway or table name that is not a plain name
     */
    public static Runbook runbook(
            SqlActions finance,
            K8sActions k8s,
            LocalDate reportDate,
            BigDecimal tolerancePct,
            BigDecimal toleranceAmount,
            Duration reconcileTimeout,
            String namespace,
            String gateway,
            String reconTable,
            Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (reportDate == null || !reportDate.isBefore(today)) {
            throw new IllegalArgumentException("reportDate " + reportDate + " is not over yet (today is " + today
                    + " UTC): the recon job reconciles a day after it ends, at 02:00 UTC; give a past day such as "
                    + today.minusDays(1));
        }
        if (tolerancePct == null || tolerancePct.signum() <= 0 || tolerancePct.compareTo(PAGE_CFO_PCT) >= 0) {
            throw new IllegalArgumentException("tolerancePct must be above 0 and below the CFO escalation of "
                    + PAGE_CFO_PCT + " (the seed's is " + TOLERANCE_PCT + ", in percent), was " + tolerancePct);
        }
        if (toleranceAmount == null || toleranceAmount.signum() <= 0) {
            throw new IllegalArgumentException("toleranceAmount must be above 0 (the seed's is " + TOLERANCE_AMOUNT
                    + " VND), was " + toleranceAmount);
        }
        if (reconcileTimeout == null || reconcileTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("reconcileTimeout must be at least 1 s (default "
                    + RECONCILE_TIMEOUT.toMinutes() + " minutes), was " + reconcileTimeout);
        }
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("namespace is missing, such as '" + NAMESPACE + "'");
        }
        if (gateway == null || !gateway.matches("[a-z0-9_-]+")) {
            throw new IllegalArgumentException(
                    "gateway must be a plain name such as '" + GATEWAY + "', was '" + gateway + "'");
        }
        if (reconTable == null || !reconTable.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
            throw new IllegalArgumentException("reconTable must be a table name such as '" + RECON_TABLE
                    + "' or 'finance." + RECON_TABLE + "', was '" + reconTable + "'");
        }
        tolerancePct = plain(tolerancePct); // 100000.0 from a registry's decimal reads, and binds, as 100000
        toleranceAmount = plain(toleranceAmount);
        String day = reportDate.toString();
        String offWhere = "(ABS(diff_pct) > ? OR ABS(diff_amount) > ?)";
        SqlQuery report = finance.query(
                "wallets reconciled on " + day,
                "SELECT COUNT(*) AS wallets, COALESCE(SUM(CASE WHEN " + offWhere + " THEN 1 ELSE 0 END), 0) AS"
                        + " out_of_tolerance FROM " + reconTable + " WHERE recon_date = ?",
                tolerancePct,
                toleranceAmount,
                reportDate);
        SqlQuery worst = finance.query(
                "wallets out of tolerance on " + day + ", worst " + WORST,
                "SELECT partner_id, smp_balance, gateway_balance, diff_amount, diff_pct, last_txn_id FROM "
                        + reconTable + " WHERE recon_date = ? AND " + offWhere
                        + " ORDER BY ABS(diff_pct) DESC, ABS(diff_amount) DESC LIMIT " + WORST,
                reportDate,
                tolerancePct,
                toleranceAmount);
        SqlQuery staleRates = finance.query(
                "currency pairs whose latest rate on or before " + day + " is older than " + reportDate.minusDays(1),
                "SELECT from_currency, to_currency, MAX(rate_date) AS latest FROM " + RATES
                        + " WHERE rate_date <= ? GROUP BY from_currency, to_currency HAVING MAX(rate_date) < ?"
                        + " ORDER BY latest LIMIT 20",
                reportDate,
                reportDate.minusDays(1));
        SqlQuery adjustments = finance.query(
                "adjustments on " + day + " without a gateway txn, on wallets out of tolerance",
                "SELECT id, partner_id, amount, created_by, created_at FROM " + TRANSACTIONS
                        + " WHERE type = ? AND gateway_txn_id IS NULL AND created_at >= ? AND created_at < ?"
                        + " AND partner_id IN (SELECT partner_id FROM " + reconTable + " WHERE recon_date = ? AND "
                        + offWhere + ") ORDER BY created_at LIMIT 50",
                "adjustment",
                reportDate.atStartOfDay(),
                reportDate.plusDays(1).atStartOfDay(),
                reportDate,
                tolerancePct,
                toleranceAmount);
        List<String> argv = List.of(
                REPLAY_WEBHOOKS,
                "--gateway=" + gateway,
                "--from=" + utcMidnight(reportDate),
                "--to=" + utcMidnight(reportDate.plusDays(1)));
        Condition<QueryResult> reconciled = Condition.of(
                "has wallets, none out of tolerance (|diff_pct| <= " + tolerancePct + " %, |diff_amount| <= "
                        + toleranceAmount + ")",
                r -> count(r, "wallets") > 0 && count(r, "out_of_tolerance") == 0);
        return Runbook.builder("INC-010", "Wallet reconciliation mismatch")
                .severity(Severity.SEV2)
                .service("finance-svc")
                .link("seeds/000 INC-010: Triage, Mitigation (scenarios 1-4), Prevention (escalation), Resolve")
                .verifyTimeout(reconcileTimeout)
                .precheck(
                        "the reconciliation report for " + day + " is in",
                        report,
                        Condition.<QueryResult>of(
                                "has wallets (none: wallet-reconciliation-cron has not reconciled " + day
                                        + "; run it first)",
                                r -> count(r, "wallets") > 0))
                .id("report-is-in")
                .precheck(
                        "no wallet is off by more than " + PAGE_CFO_PCT + "%",
                        worst,
                        Condition.<QueryResult>of(
                                "has none above " + PAGE_CFO_PCT + " % (above it: page the CFO; Finance decides, not"
                                        + " this runbook)",
                                r -> r.rows().stream().noneMatch(row -> pct(row).compareTo(PAGE_CFO_PCT) > 0)))
                .id("no-wallet-off-by-more-than-5-pct")
                .precheck(
                        "currency rates are fresh",
                        staleRates,
                        Condition.<QueryResult>of(
                                "is empty (else scenario 3: trigger the rate refresh, recompute the conversions,"
                                        + " page Finance if the amounts are large; a replay fixes none of it)",
                                QueryResult::isEmpty))
                .precheck(
                        "no manual adjustment without a gateway txn",
                        adjustments,
                        Condition.<QueryResult>of(
                                "is empty (else scenario 2: Finance checks each one's reason; valid: set the"
                                        + " report's expected_diff and mark it resolved; invalid: roll it back and"
                                        + " audit who made it)",
                                QueryResult::isEmpty))
                .id("no-adjustment-without-gateway-txn")
                .manual(
                        "escalate",
                        "A wallet off by more than " + PAGE_ON_CALL_PCT + "% (precheck"
                                + " no-wallet-off-by-more-than-5-pct lists the worst): page on-call. Tell Finance"
                                + " that " + gateway + "'s webhooks for " + day + " are being replayed.")
                .step(
                        "replay " + gateway + "'s webhooks for " + day,
                        k8s.execInPod(namespace, POD, argv)
                                .doneWhen(report, reconciled)
                                .timeout(reconcileTimeout))
                .id("replay-webhooks")
                .verify("all wallets reconcile on " + day, report, reconciled)
                .id("all-wallets-reconcile")
                .manual(
                        "document the root cause",
                        "Write the root cause into the incident (webhook lag, adjustment, stale rate, or a bug). A"
                                + " bug in finance-svc's calculation (scenario 4): compare the SMP and gateway"
                                + " records of one transaction, find the wrong side, patch and backfill, then a"
                                + " post-mortem and a test case; a systemic bug gets a ticket for the dev team.")
                .build();
    }

    /** {@code 2026-12-06T00:00:00Z}: the start of {@code day} in UTC, as the replay's window bound. */
    static String utcMidnight(LocalDate day) {
        return DateTimeFormatter.ISO_INSTANT.format(day.atStartOfDay(ZoneOffset.UTC));
    }

    private static BigDecimal plain(BigDecimal v) {
        return new BigDecimal(v.stripTrailingZeros().toPlainString());
    }

    private static long count(QueryResult r, String column) {
        Object v = r.isEmpty() ? null : r.rows().get(0).get(column);
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static BigDecimal pct(Map<String, Object> row) {
        Object v = row.get("diff_pct");
        return v == null ? BigDecimal.ZERO : new BigDecimal(String.valueOf(v)).abs();
    }
}
