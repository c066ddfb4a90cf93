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
 * @param fingerprint SHA-256 of everything observed
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
            fingerprint = Json.fingerprint(steps.stream()
                    .map(s -> s.action() == null
                            ? s.stepId()
                            : s.stepId() + ":" + s.action().fingerprint())
                    .toList());
        }
    }

    /** The planned step with this id. */
    public PlannedStep step(String stepId) {
        return steps.stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("plan has no step '" + stepId + "'"));
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
        int idWidth = Math.max(
                4, steps.stream().mapToInt(s -> s.stepId().length()).max().orElse(4));
        String row = "  %-" + idWidth + "s  %-8s  %-6s  %-28s  %s%n";
        sb.append(String.format(Locale.ROOT, row, "STEP", "KIND", "CHANGE", "BLAST RADIUS", "WHAT"));
        for (PlannedStep s : steps) {
            String radius = s.action() == null ? "" : radius(s.action().blastRadius());
            String change = s.change() == Change.CHANGE ? "yes" : "no";
            String what = s.summary() + (s.requiresApproval() ? "  [needs approval]" : "");
            sb.append(String.format(Locale.ROOT, row, s.stepId(), s.kind(), change, radius, what));
            if (s.action() != null) {
                for (String w : s.action().warnings()) {
                    sb.append(String.format(Locale.ROOT, row, "", "", "", "", "  note: " + w));
                }
            }
            for (String r : s.refusals()) {
                sb.append(String.format(Locale.ROOT, row, "", "", "", "", "  REFUSED: " + r));
            }
        }
        sb.append(isReady() ? "  ready to apply" : "  NOT ready: " + refusals().size() + " refusal(s)");
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
