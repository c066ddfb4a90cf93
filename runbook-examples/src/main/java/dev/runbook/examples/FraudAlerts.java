package dev.runbook.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.RunbookException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What finance-svc's {@code GET /internal/fraud-alerts/recent?hours=1} answered (seed INC-011 triage): one
 * alert per flagged transaction, with its partner, amount and the fraud rules it matched. Read by {@link
 * FraudPartnerFreeze}; prints as one line per partner in a plan.
 *
 * <pre>{@code
 * FraudAlerts a = FraudAlerts.parse("[{\"partner_id\":\"P001\",\"txn_id\":\"TX-1\",\"amount_vnd\":350000000,"
 *     + "\"signals\":[\"velocity\"]}]");
 * a.flags("P001");   // true
 * a.toString();      // "P001: TX-1 350,000,000 VND [velocity]"
 * }</pre>
 *
 * @param alerts the alerts, in the order finance-svc listed them
 */
public record FraudAlerts(List<Alert> alerts) {

    /**
     * One flagged transaction.
     *
     * @param partnerId the partner, such as {@code P001}
     * @param txnId the transaction
     * @param amountVnd its amount in VND
     * @param signals the fraud rules it matched, such as {@code velocity}, {@code geo_mismatch}
     */
    public record Alert(String partnerId, String txnId, long amountVnd, List<String> signals) {
        /** Copies the signals. */
        public Alert {
            signals = List.copyOf(signals);
        }

        @Override
        public String toString() {
            return txnId + " " + vnd(amountVnd) + " " + signals;
        }
    }

    /** Copies the list. */
    public FraudAlerts {
        alerts = List.copyOf(alerts);
    }

    /**
     * Parses finance-svc's answer: a JSON array of {@code {"partner_id", "txn_id", "amount_vnd", "signals"}}.
     *
     * @throws RunbookException if it is not such an array, naming the field that is missing
     */
    public static FraudAlerts parse(String json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new RunbookException("the fraud alerts are not JSON: " + snippet(json), e);
        }
        if (root == null || !root.isArray()) {
            throw new RunbookException("the fraud alerts are not a JSON array of {partner_id, txn_id, amount_vnd,"
                    + " signals}: " + snippet(json));
        }
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode a : root) {
            for (String field : List.of("partner_id", "txn_id", "amount_vnd")) {
                if (!a.hasNonNull(field)) {
                    throw new RunbookException("a fraud alert has no " + field + ": " + snippet(a.toString()));
                }
            }
            List<String> signals = new ArrayList<>();
            a.path("signals").forEach(s -> signals.add(s.asText()));
            alerts.add(new Alert(
                    a.get("partner_id").asText(),
                    a.get("txn_id").asText(),
                    a.get("amount_vnd").asLong(),
                    signals));
        }
        return new FraudAlerts(alerts);
    }

    /** The flagged partners, in the order of their first alert. */
    public List<String> partners() {
        return alerts.stream().map(Alert::partnerId).distinct().toList();
    }

    /** Whether {@code partnerId} has an alert. */
    public boolean flags(String partnerId) {
        return alerts.stream().anyMatch(a -> a.partnerId().equals(partnerId));
    }

    /** The partner's largest flagged transaction, if it has one. */
    public Optional<Alert> largest(String partnerId) {
        return alerts.stream()
                .filter(a -> a.partnerId().equals(partnerId))
                .max(Comparator.comparingLong(Alert::amountVnd));
    }

    /** {@code 350000000} as {@code 350,000,000 VND}. */
    static String vnd(long amount) {
        return String.format(Locale.ROOT, "%,d VND", amount);
    }

    private static String snippet(String s) {
        String t = String.valueOf(s).strip();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    /** {@code P001: TX-1 350,000,000 VND [velocity]; P002: ...}, or {@code no partner flagged}. */
    @Override
    public String toString() {
        if (alerts.isEmpty()) {
            return "no partner flagged";
        }
        Map<String, List<Alert>> byPartner = alerts.stream()
                .collect(Collectors.groupingBy(Alert::partnerId, LinkedHashMap::new, Collectors.toList()));
        return byPartner.entrySet().stream()
                .map(e -> e.getKey() + ": "
                        + e.getValue().stream().map(Alert::toString).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
