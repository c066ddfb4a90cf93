package dev.runbook.metrics;

import dev.runbook.core.RunEvent;
import dev.runbook.core.RunListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;

/**
 * Counts and times runs and steps with Micrometer, as a run listener of the engine. Meters:
 *
 * <ul>
 *   <li>{@code runbook.runs} (counter) and {@code runbook.run.duration} (timer): tags {@code runbook},
 *       {@code status} ({@code SUCCEEDED}, {@code FAILED}, {@code ROLLED_BACK}).
 *   <li>{@code runbook.steps} (counter) and {@code runbook.step.duration} (timer): tags {@code runbook},
 *       {@code kind} ({@code ACTION}, {@code WAIT}, ...), {@code action} (the action type, or {@code none}),
 *       {@code outcome} ({@code CHANGED}, {@code UNCHANGED}, {@code SKIPPED}, {@code FAILED}, ...).
 *   <li>{@code runbook.approvals.requested} (counter): tag {@code runbook}.
 * </ul>
 *
 * <pre>{@code
 * RunbookEngine engine = RunbookEngine.builder().listener(RunMetrics.of(registry)).build();
 * }</pre>
 */
public final class RunMetrics implements RunListener {
    /** Runs ended, by runbook and status. */
    public static final String RUNS = "runbook.runs";
    /** How long runs took, by runbook and status. */
    public static final String RUN_DURATION = "runbook.run.duration";
    /** Steps ended, by runbook, kind, action type and outcome. */
    public static final String STEPS = "runbook.steps";
    /** How long steps took, by runbook, kind, action type and outcome. */
    public static final String STEP_DURATION = "runbook.step.duration";
    /** Approvals and confirmations asked for, by runbook. */
    public static final String APPROVALS = "runbook.approvals.requested";

    private final MeterRegistry registry;

    private RunMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Metrics recorded in {@code registry}. */
    public static RunMetrics of(MeterRegistry registry) {
        return new RunMetrics(registry);
    }

    @Override
    public String name() {
        return "micrometer metrics";
    }

    @Override
    public void onEvent(RunEvent e) {
        switch (e.type()) {
            case RUN_FINISHED -> {
                String status = String.valueOf(e.status());
                Counter.builder(RUNS)
                        .description("runbook runs ended")
                        .tag("runbook", e.runbookId())
                        .tag("status", status)
                        .register(registry)
                        .increment();
                if (e.duration() != null) {
                    Timer.builder(RUN_DURATION)
                            .description("runbook run duration")
                            .tag("runbook", e.runbookId())
                            .tag("status", status)
                            .register(registry)
                            .record(e.duration());
                }
            }
            case STEP_FINISHED, STEP_FAILED -> {
                String kind = String.valueOf(e.stepKind());
                String action = e.actionType() == null ? "none" : e.actionType();
                String outcome = String.valueOf(e.outcome());
                Counter.builder(STEPS)
                        .description("runbook steps ended")
                        .tag("runbook", e.runbookId())
                        .tag("kind", kind)
                        .tag("action", action)
                        .tag("outcome", outcome)
                        .register(registry)
                        .increment();
                if (e.duration() != null) {
                    Timer.builder(STEP_DURATION)
                            .description("runbook step duration")
                            .tag("runbook", e.runbookId())
                            .tag("kind", kind)
                            .tag("action", action)
                            .tag("outcome", outcome)
                            .register(registry)
                            .record(e.duration());
                }
            }
            case APPROVAL_NEEDED ->
                Counter.builder(APPROVALS)
                        .description("approvals and confirmations asked for")
                        .tag("runbook", e.runbookId())
                        .register(registry)
                        .increment();
            case RUN_STARTED -> {
                // counted when it ends, with its status
            }
        }
    }
}
