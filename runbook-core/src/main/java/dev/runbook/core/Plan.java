package dev.runbook.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A whole runbook's dry run: immutable, printable as a table, serialisable to JSON, with a fingerprint
 * of what it observed. Apply executes exactly this plan or refuses.
 *
 * <pre>{@code
 * Plan plan = engine.plan(runbook);
 * System.out.println(plan);          // the table
 * String json = plan.toJson();       // for a bot to post for review
 * Report report = engine.apply(runbook, Plan.fromJson(json));
 * }</pre>
 *
 * @param planId unique id of this plan
 * @param runbookId the runbook's id
 * @param title the runbook's title
 * @param severity the runbook's severity
 * @param service the service concerned
 * @param environment the environment planned for
 * @param plannedAt when the plan was made
 * @param runbookFingerprint the runbook definition's fingerprint
 * @param steps the planned steps, in order
 * @param fingerprint SHA-256 of the planned steps, computed when the plan is made; apply refuses a
 *     plan whose steps no longer hash to it
 */
public record Plan(
        String planId,
        String runbookId,
        String title,
        Severity severity,
        String service,
        String environment,
        Instant plannedAt,
        String runbookFingerprint,
        List<PlannedStep> steps,
        String fingerprint) {

    public Plan {
        Objects.requireNonNull(planId, "planId");
        steps = List.copyOf(steps);
        if (fingerprint == null) {
            fingerprint = fingerprintOf(steps);
        }
    }

    /**
     * SHA-256 of the steps as planned, everything they observed and intend included; numbers count by
     * value ({@code 100000.0} and {@code 100000} are the same), so that a plan passed through jq or
     * JavaScript, which write the one as the other, is still intact.
     */
    static String fingerprintOf(List<PlannedStep> steps) {
        return Json.fingerprint(Json.withCanonicalNumbers(Json.tree(steps)));
    }

    /** Whether the steps still hash to {@link #fingerprint()}: false if the plan was edited. */
    @JsonIgnore
    public boolean isIntact() {
        return fingerprintOf(steps).equals(fingerprint);
    }

    /**
     * The planned step with this id.
     *
     * @throws IllegalArgumentException naming the plan's step ids, if there is no such step
     */
    public PlannedStep step(String stepId) {
        return steps.stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("plan " + planId + " has no step '" + stepId + "'; its steps are "
                                + steps.stream().map(PlannedStep::stepId).toList()));
    }

    /** Whether every step can be applied. */
    @JsonIgnore
    public boolean isReady() {
        return steps.stream().allMatch(PlannedStep::ready);
    }

    /** Every reason the plan cannot be applied, each naming its step. */
    @JsonIgnore
    public List<String> refusals() {
        List<String> out = new ArrayList<>();
        for (PlannedStep s : steps) {
            for (String r : s.refusals()) {
                out.add(s.stepId() + ": " + r);
            }
        }
        return out;
    }

    /** Whether applying would change nothing at all. */
    @JsonIgnore
    public boolean isNoop() {
        return steps.stream().noneMatch(s -> s.change() == Change.CHANGE);
    }

    /** The plan as JSON. */
    public String toJson() {
        return Json.writePretty(this);
    }

    /**
     * Reads a plan from JSON.
     *
     * @throws RunbookException if the JSON is not a plan
     */
    public static Plan fromJson(String json) {
        return Json.read(json, Plan.class);
    }

    /** The plan as an aligned table, for JShell and chat. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Plan %s for %s · %s (%s%s%s)%n",
                planId,
                runbookId,
                title,
                severity == null ? "" : severity.label(),
                service == null ? "" : ", " + service,
                environment == null ? "" : ", env " + environment));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STEP", "KIND", "CHANGE", "BLAST RADIUS", "WHAT"});
        for (PlannedStep s : steps) {
            String radius = s.action() == null ? "" : radius(s.action().blastRadius());
            String change = s.change() == Change.CHANGE ? "yes" : "no";
            String what = s.summary()
                    + (!s.requiresApproval()
                            ? ""
                            : s.kind() == StepKind.MANUAL ? "  [needs confirmation]" : "  [needs approval]");
            rows.add(new String[] {s.stepId(), String.valueOf(s.kind()), change, radius, what});
            if (s.action() != null) {
                for (String w : s.action().warnings()) {
                    rows.add(new String[] {"", "", "", "", "  note: " + w});
                }
            }
            for (String r : s.refusals()) {
                rows.add(new String[] {"", "", "", "", "  REFUSED: " + r});
            }
        }
        Table.append(sb, rows);
        sb.append(
                isReady()
                        ? "  ready to apply"
                        : "  NOT ready: " + Plural.of(refusals().size(), "refusal"));
        sb.append(", fingerprint ").append(fingerprint, 0, 12);
        return sb.toString();
    }

    private static String radius(Map<String, Long> r) {
        return r.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s=%,d", e.getKey(), e.getValue()))
                .sorted()
                .collect(Collectors.joining(" "));
    }
}
