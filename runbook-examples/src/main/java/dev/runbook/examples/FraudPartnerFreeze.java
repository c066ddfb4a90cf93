package dev.runbook.examples;

import static dev.runbook.core.Conditions.equalTo;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpField;
import dev.runbook.k8s.ExecInPod;
import dev.runbook.k8s.K8sActions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Seed runbook INC-011 "Fraud detection triggered" as code: scenario 1 (confirmed fraud) freezes one
 * partner's wallet with a justification; scenario 2 (false positive) is {@link #unfreeze}, its own runbook
 * with its own justification. Each seed command and the step that replaces it:
 *
 * <ul>
 *   <li>{@code curl -H "Authorization: Bearer $JWT" http://finance-svc:8080/internal/fraud-alerts/recent?hours=1
 *       | jq}: precheck {@code partner-is-flagged} (the partner is among the flagged ones, which the plan
 *       lists with their txns and signals; otherwise refused) and precheck {@code largest-flagged-txn} (its
 *       largest txn against the State Bank of Vietnam threshold of 300,000,000 VND), both over one {@link
 *       HttpField} sending the JWT as a {@link Secret};
 *   <li>{@code kubectl exec partner-svc-0 -- /app/bin/admin freeze --partner=P00X --reason="..."}: step
 *       {@code freeze-partner}, {@link ExecInPod} of that argv (no shell), done when partner-svc's {@code GET
 *       /internal/partners/{id}} answers {@code {"status":"FROZEN"}}: a rerun on a frozen partner is
 *       UNCHANGED and the command does not run twice;
 *   <li>the seed's follow-ups (notify the partner, reverse pending settlements, compliance and SBV
 *       reports, preserve evidence): manual steps; verify {@code partner-is-frozen}.
 * </ul>
 *
 * <pre>{@code
 * Secret jwt = Secret.of("Bearer " + System.getenv("JWT"));
 * Runbook rb = FraudPartnerFreeze.runbook(K8sActions.connect("smp-asia"), "http://finance-svc:8080",
 *     "http://partner-svc:8080", jwt, "P001", "fraud_alert_INC-011-2026-05-28");
 * }</pre>
 *
 * <p>The freeze has no inverse for the engine's rollback: an unfreeze needs its own justification, after the
 * partner was called back, and must never run because a later step of the freeze failed.
 */
public final class FraudPartnerFreeze {
    /** The namespace of partner-svc (the seed's kubectl uses the context's default). */
    public static final String NAMESPACE = "smp-prod";

    /** The seed's pod: {@code kubectl exec partner-svc-0}. */
    public static final String POD = "partner-svc-0";

    /** The seed's admin command in that pod. */
    public static final String ADMIN = "/app/bin/admin";

    /** The seed's triage window: {@code recent?hours=1}. */
    public static final int HOURS = 1;

    /** Above this single txn, the seed's anti-money-laundering duty: report to the State Bank of Vietnam. */
    public static final long SBV_THRESHOLD_VND = 300_000_000L;

    /** partner-svc's status of a frozen wallet. */
    public static final String FROZEN = "FROZEN";

    /** partner-svc's status of a wallet in use. */
    public static final String ACTIVE = "ACTIVE";

    /** How long the admin command may run. */
    public static final Duration EXEC_TIMEOUT = Duration.ofMinutes(1);

    /**
     * {@code /app/bin/admin <verb> --partner=... --reason=...} in the pod, done when partner-svc reports
     * {@code doneState}: a rerun on a partner already there runs nothing.
     */
    private static ExecInPod admin(
            K8sActions k8s,
            String namespace,
            String pod,
            String verb,
            String partner,
            String justification,
            HttpField status,
            String doneState) {
        return k8s.execInPod(namespace, "pod/" + pod, argv(verb, partner, justification))
                .doneWhen(status, equalTo(doneState))
                .timeout(EXEC_TIMEOUT);
    }

    private static final Pattern PARTNER_ID = Pattern.compile("P[0-9A-Za-z]{1,31}");

    private FraudPartnerFreeze() {}

    /**
     * Scenario 1: freeze {@code partner}'s wallet in {@value #NAMESPACE}/{@value #POD}, alerts of the last hour.
     *
     * @param k8s the cluster partner-svc runs in
     * @param financeSvc finance-svc's base URL, such as {@code http://finance-svc:8080}
     * @param partnerSvc partner-svc's base URL, such as {@code http://partner-svc:8080}
     * @param authorization the Authorization header for both internal APIs, such as {@code "Bearer " + jwt}
     * @param partner the partner to freeze, such as {@code P001}
     * @param justification why, recorded in the plan, the audit and the command's {@code --reason}
     * @throws IllegalArgumentException for a malformed partner id or URL, or a blank justification
     */
    public static Runbook runbook(
            K8sActions k8s,
            String financeSvc,
            String partnerSvc,
            Secret authorization,
            String partner,
            String justification) {
        return runbook(k8s, financeSvc, partnerSvc, authorization, partner, justification, NAMESPACE, POD, HOURS);
    }

    /**
     * Scenario 1 with every setting.
     *
     * @param namespace partner-svc's namespace
     * @param pod the pod whose admin command freezes, such as {@code partner-svc-0}
     * @param hours the alerts' window, at least 1
     * @throws IllegalArgumentException for a malformed partner id or URL, a blank justification, or hours
     *     below 1
     * @see #runbook(K8sActions, String, String, Secret, String, String)
     */
    public static Runbook runbook(
            K8sActions k8s,
            String financeSvc,
            String partnerSvc,
            Secret authorization,
            String partner,
            String justification,
            String namespace,
            String pod,
            int hours) {
        requirePartner(partner);
        requireJustification(justification, "freezes");
        if (hours < 1) {
            throw new IllegalArgumentException("hours must be >= 1 (the seed reads the last 1), was " + hours);
        }
        Probe<FraudAlerts> alerts = alerts(financeSvc, authorization, hours);
        HttpField status = status(partnerSvc, authorization, partner);
        ExecInPod freeze = admin(k8s, namespace, pod, "freeze", partner, justification, status, FROZEN);
        return Runbook.builder("INC-011", "Fraud detection triggered")
                .severity(Severity.SEV1)
                .service("partner-svc")
                .link("seeds/000 INC-011: Triage, Mitigation (scenario 1: confirmed fraud), Resolve")
                .precheck(
                        partner + " is flagged by fraud detection",
                        alerts,
                        Condition.<FraudAlerts>of("flags " + partner, a -> a.flags(partner)))
                .id("partner-is-flagged")
                .precheck(
                        "the largest flagged txn of " + partner + " (SBV report above "
                                + FraudAlerts.vnd(SBV_THRESHOLD_VND) + ")",
                        alerts.map("the largest flagged txn of " + partner, a -> sbvDuty(a, partner)),
                        Condition.<String>of("against the SBV threshold", s -> true))
                .id("largest-flagged-txn")
                .step("freeze " + partner + "'s wallet", freeze)
                .id("freeze-partner")
                .verify(partner + " is " + FROZEN, status, equalTo(FROZEN))
                .id("partner-is-frozen")
                .manual(
                        "notify the partner",
                        "Security team: email and phone call to " + partner + " (the security team owns this"
                                + " communication); reason on record: " + justification)
                .id("notify-partner")
                .manual(
                        "reverse pending settlements",
                        "Coordinate with the payment gateway to reverse " + partner + "'s pending settlements")
                .id("reverse-pending-settlements")
                .manual(
                        "file the reports",
                        "Internal compliance report within 24 h; State Bank of Vietnam (SBV) report if a single txn"
                                + " is above " + FraudAlerts.vnd(SBV_THRESHOLD_VND) + " (anti-money-laundering law):"
                                + " step largest-flagged-txn shows whether one is; attach this run's audit")
                .id("file-reports")
                .manual(
                        "preserve evidence",
                        "Export the logs, IP records and device fingerprints of " + partner + "'s flagged txns")
                .id("preserve-evidence")
                .build();
    }

    /**
     * Scenario 2 (false positive): unfreeze {@code partner}, after the partner was verified by phone.
     *
     * @param partnerSvc partner-svc's base URL, such as {@code http://partner-svc:8080}
     * @param authorization the Authorization header for its internal API
     * @param justification why, recorded in the plan, the audit and the command's {@code --reason}
     * @throws IllegalArgumentException for a malformed partner id or URL, or a blank justification
     */
    public static Runbook unfreeze(
            K8sActions k8s, String partnerSvc, Secret authorization, String partner, String justification) {
        return unfreeze(k8s, partnerSvc, authorization, partner, justification, NAMESPACE, POD);
    }

    /**
     * Scenario 2 with every setting.
     *
     * @throws IllegalArgumentException for a malformed partner id or URL, or a blank justification
     * @see #unfreeze(K8sActions, String, Secret, String, String)
     */
    public static Runbook unfreeze(
            K8sActions k8s,
            String partnerSvc,
            Secret authorization,
            String partner,
            String justification,
            String namespace,
            String pod) {
        requirePartner(partner);
        requireJustification(justification, "unfreezes");
        HttpField status = status(partnerSvc, authorization, partner);
        ExecInPod unfreeze = admin(k8s, namespace, pod, "unfreeze", partner, justification, status, ACTIVE);
        return Runbook.builder("INC-011-UNFREEZE", "Fraud alert was a false positive: unfreeze the partner")
                .severity(Severity.SEV2)
                .service("partner-svc")
                .link("seeds/000 INC-011: Mitigation (scenario 2: false positive)")
                .precheck(
                        partner + " is " + FROZEN + " (or already " + ACTIVE + ")",
                        status,
                        Condition.<String>of(
                                "is " + FROZEN + " or " + ACTIVE, s -> s.equals(FROZEN) || s.equals(ACTIVE)))
                .id("partner-is-frozen")
                .manual(
                        "verify with the partner",
                        "Call " + partner + " on its registered number (never one given in the alert) and confirm"
                                + " the flagged txns were theirs")
                .id("verify-with-partner")
                .step("unfreeze " + partner + "'s wallet", unfreeze)
                .id("unfreeze-partner")
                .verify(partner + " is " + ACTIVE, status, equalTo(ACTIVE))
                .id("partner-is-active")
                .manual(
                        "note it and tune the rule",
                        "Add a note in partner_admin_users.notes (" + justification + "); tune the fraud rule in"
                                + " rules_engine.yaml (category=fraud): raise the threshold or exclude the pattern;"
                                + " open a post-mortem ticket for the false positive")
                .id("note-and-tune")
                .build();
    }

    /** finance-svc's recent fraud alerts. */
    static Probe<FraudAlerts> alerts(String financeSvc, Secret authorization, int hours) {
        HttpField body = Http.field(financeSvc + "/internal/fraud-alerts/recent?hours=" + hours, "")
                .withHeader("Authorization", authorization);
        return body.map("fraud alerts of the last " + hours + " h (GET " + body.uri() + ")", FraudAlerts::parse);
    }

    /** partner-svc's status of one partner's wallet ({@code FROZEN}, {@code ACTIVE}, ...). */
    static HttpField status(String partnerSvc, Secret authorization, String partner) {
        return Http.field(partnerSvc + "/internal/partners/" + partner, "/status")
                .withHeader("Authorization", authorization);
    }

    /** The admin command's argv: never a shell string, so the reason needs no quoting. */
    static List<String> argv(String verb, String partner, String justification) {
        return List.of(ADMIN, verb, "--partner=" + partner, "--reason=" + justification);
    }

    static String sbvDuty(FraudAlerts alerts, String partner) {
        return alerts.largest(partner)
                .map(t -> t.txnId() + " " + FraudAlerts.vnd(t.amountVnd())
                        + (t.amountVnd() > SBV_THRESHOLD_VND
                                ? ", above " + FraudAlerts.vnd(SBV_THRESHOLD_VND)
                                        + ": the SBV report is due (step file-reports)"
                                : ", not above " + FraudAlerts.vnd(SBV_THRESHOLD_VND) + ": no SBV report"))
                .orElse("none");
    }

    private static void requirePartner(String partner) {
        if (partner == null || !PARTNER_ID.matcher(partner).matches()) {
            throw new IllegalArgumentException("partner id '" + partner + "' is not a partner id: expected P followed"
                    + " by digits or letters, such as P001 (the seed's P00X)");
        }
    }

    private static void requireJustification(String justification, String verb) {
        if (justification == null || justification.isBlank()) {
            throw new IllegalArgumentException("INC-011 " + verb + " a partner's wallet: give the justification,"
                    + " recorded in the plan, the audit and the command's --reason, such as"
                    + " \"fraud_alert_INC-011-2026-05-28\"");
        }
        if (justification.length() > 200 || justification.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the justification must be one line of at most 200 characters, such as"
                    + " \"fraud_alert_INC-011-2026-05-28\"; was " + justification.length() + " characters");
        }
    }
}
