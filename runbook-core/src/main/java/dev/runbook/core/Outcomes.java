package dev.runbook.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small builders of step outcomes and audit data shared by {@link Run}, {@link StepRunner} and {@link Rollback}. */
final class Outcomes {
    private Outcomes() {}

    /** A step that finished before a crash, carried into the resumed run's report. */
    static StepOutcome carried(StepOutcome o) {
        return new StepOutcome(
                o.stepId(),
                o.kind(),
                o.title(),
                o.outcome(),
                o.message() + " (finished before the resume; not repeated)",
                o.duration(),
                o.counts(),
                o.items(),
                o.verification(),
                o.error(),
                o.details());
    }

    /** A step that threw. */
    static StepOutcome failed(Step step, Duration took, RuntimeException e) {
        return new StepOutcome(
                step.id(),
                step.kind(),
                step.title(),
                Outcome.FAILED,
                e.getMessage(),
                took,
                null,
                null,
                null,
                errorText(e),
                null);
    }

    /** An error as {@code Type: message}. */
    static String errorText(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** What a STEP_STARTED audit record says about the planned step. */
    static Map<String, Object> stepData(PlannedStep p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", p.kind());
        m.put("summary", p.summary());
        if (p.action() != null) {
            m.put("action", p.action().actionType());
            m.put("target", p.action().target());
            m.put("blastRadius", p.action().blastRadius());
            m.put("fingerprint", p.action().fingerprint());
        }
        if (p.parameters() != null) {
            m.put("parameters", p.parameters());
        }
        return m;
    }

    /** A duration as people write it: {@code 2m}, {@code 1m30s}, {@code 250ms}, {@code 1h5m}. */
    static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        if (d.toHoursPart() > 0 || d.toDays() > 0) {
            sb.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
            sb.append(d.toSecondsPart());
            if (d.toMillisPart() > 0) {
                sb.append('.')
                        .append(String.format(java.util.Locale.ROOT, "%03d", d.toMillisPart())
                                .replaceAll("0+$", ""));
            }
            sb.append('s');
        }
        return sb.toString();
    }
}
