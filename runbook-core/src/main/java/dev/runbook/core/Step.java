package dev.runbook.core;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a {@link Runbook}. Steps are values; their ids are stable while the runbook is unchanged,
 * which is what lets a crashed run resume.
 *
 * <pre>{@code
 * for (Step s : runbook.steps()) System.out.println(s.id() + " " + s.title());
 * }</pre>
 */
public sealed interface Step permits Step.Check, Step.Act, Step.Wait, Step.Manual {

    /** Stable id, such as {@code flush-stock-cache}. */
    String id();

    /** What the step does, for people. */
    String title();

    /** The kind of step. */
    StepKind kind();

    /**
     * A one-line description of the step's definition, hashed into the runbook's fingerprint: kind,
     * probe and condition, or action type and target. An action's parameters are bound separately
     * ({@link Action#parameters()}).
     */
    String definition();

    /**
     * A precheck or a verification: {@code probe} must satisfy {@code condition}.
     *
     * @param <T> the probe's value type
     */
    record Check<T>(String id, String title, StepKind kind, Probe<T> probe, Condition<? super T> condition)
            implements Step {
        public Check {
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(condition, "condition");
            if (kind != StepKind.PRECHECK && kind != StepKind.VERIFY) {
                throw new IllegalArgumentException("a check is a PRECHECK or a VERIFY, not " + kind);
            }
        }

        /** Reads the probe and tests the condition. */
        public CheckResult evaluate() {
            try {
                T value = probe.read();
                return new CheckResult(
                        probe.name(),
                        condition.description(),
                        condition.predicate() != null && test(value),
                        Shown.value(value),
                        null);
            } catch (RuntimeException e) {
                return new CheckResult(probe.name(), condition.description(), false, null, e.getMessage());
            }
        }

        @SuppressWarnings("unchecked")
        private boolean test(T value) {
            return ((Condition<T>) condition).test(value);
        }

        @Override
        public String definition() {
            return kind + " " + probe.name() + " " + condition.description();
        }
    }

    /** An action, with how long its post-condition may take to hold. */
    record Act(String id, String title, Action action, Duration verifyTimeout) implements Step {
        public Act {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(verifyTimeout, "verifyTimeout");
        }

        @Override
        public StepKind kind() {
            return StepKind.ACTION;
        }

        @Override
        public String definition() {
            return "ACTION " + action.type() + " on " + action.target();
        }
    }

    /**
     * Wait until {@code probe} satisfies {@code condition}, at most {@code timeout}.
     *
     * @param <T> the probe's value type
     */
    record Wait<T>(
            String id, String title, Probe<T> probe, Condition<? super T> condition, Duration timeout, Duration poll)
            implements Step {
        public Wait {
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(condition, "condition");
            if (timeout.isNegative() || poll.isNegative() || poll.isZero()) {
                throw new IllegalArgumentException("wait '" + title + "' needs timeout >= 0 and poll > 0");
            }
        }

        @Override
        public StepKind kind() {
            return StepKind.WAIT;
        }

        @Override
        public String definition() {
            return "WAIT " + probe.name() + " " + condition.description() + " within " + timeout;
        }
    }

    /** Something a person does, with the instructions they follow. */
    record Manual(String id, String title, String instructions) implements Step {
        @Override
        public StepKind kind() {
            return StepKind.MANUAL;
        }

        @Override
        public String definition() {
            return "MANUAL " + title + ": " + instructions;
        }
    }
}
