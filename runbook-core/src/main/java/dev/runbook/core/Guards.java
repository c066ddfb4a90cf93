package dev.runbook.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Limits enforced at plan time and again at apply time, identically in tests and production:
 * blast-radius budgets, rate budgets, protected names, environments that need approval, and change
 * freezes. A violation names the guard and how to raise it.
 *
 * <pre>{@code
 * Guards guards = Guards.builder()
 *     .budget("keys", 2_000_000)
 *     .maxRate("keys/s", 100_000)
 *     .protect("session:*", "lock:*")
 *     .requireApprovalIn("prod")
 *     .build();
 * }</pre>
 */
public final class Guards {
    private final Map<String, Long> budgets;
    private final Map<String, Double> maxRates;
    private final List<String> protectedPatterns;
    private final List<Pattern> protectedRegexes;
    private final Set<String> approvalEnvironments;
    private final List<FreezeWindow> freezes;

    private Guards(Builder b) {
        this.budgets = Map.copyOf(b.budgets);
        this.maxRates = Map.copyOf(b.maxRates);
        this.protectedPatterns = List.copyOf(b.protectedPatterns);
        this.protectedRegexes = protectedPatterns.stream().map(Glob::compile).toList();
        this.approvalEnvironments = Set.copyOf(b.approvalEnvironments);
        this.freezes = List.copyOf(b.freezes);
    }

    /** No limits at all. */
    public static Guards none() {
        return builder().build();
    }

    /**
     * The limits every production user should start from: the names the seeds say never to touch
     * ({@code session:*}, {@code lock:*}, Kubernetes' {@code kube-system/*}, Elasticsearch system indices
     * {@code .*}), and approval in {@code prod}. The approval applies only to an engine built with
     * {@code .environment("prod")}: an engine's environment is {@code dev} unless set.
     *
     * <pre>{@code
     * RunbookEngine.builder().environment("prod").guards(Guards.defaults())...
     * }</pre>
     */
    public static Guards defaults() {
        return builder()
                .protect("session:*", "lock:*", "kube-system/*", ".*")
                .requireApprovalIn("prod")
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these guards, to add or raise limits. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.budgets.putAll(budgets);
        b.maxRates.putAll(maxRates);
        b.protectedPatterns.addAll(protectedPatterns);
        b.approvalEnvironments.addAll(approvalEnvironments);
        b.freezes.addAll(freezes);
        return b;
    }

    /** Whether a name (a key, an index, {@code namespace/kind/name}) matches a protected pattern. */
    public boolean isProtected(String name) {
        for (Pattern p : protectedRegexes) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The protected patterns, as given. */
    public List<String> protectedPatterns() {
        return protectedPatterns;
    }

    /** The budget for a blast-radius figure, if one is set. */
    public java.util.OptionalLong budget(String what) {
        Long b = budgets.get(what);
        return b == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(b);
    }

    /** Whether steps that change something need approval in {@code environment}. */
    public boolean requiresApproval(String environment) {
        return environment != null && approvalEnvironments.contains(environment.toLowerCase(Locale.ROOT));
    }

    /**
     * The violations of a step plan: every budget, rate, protected name and freeze it breaks, each as a
     * sentence that names the guard and the way out (for a budget: {@code
     * guards.toBuilder().budget("keys", n)}). Empty when the plan is within limits or changes nothing.
     *
     * <pre>{@code
     * List<String> why = guards.violations("flush", stepPlan, clock);
     * }</pre>
     */
    public List<String> violations(String stepId, StepPlan plan, Clock clock) {
        return GuardCheck.violations(this, stepId, plan, clock.instant());
    }

    Map<String, Long> budgets() {
        return budgets;
    }

    Map<String, Double> maxRates() {
        return maxRates;
    }

    List<FreezeWindow> freezes() {
        return freezes;
    }

    @Override
    public String toString() {
        return "Guards[budgets=" + budgets + ", maxRates=" + maxRates + ", protected=" + protectedPatterns
                + ", approvalIn=" + approvalEnvironments + ", freezes=" + freezes + "]";
    }

    /**
     * A period during which no step may change anything.
     *
     * @param start inclusive
     * @param end exclusive
     * @param reason shown in the refusal
     */
    public record FreezeWindow(Instant start, Instant end, String reason) {
        public FreezeWindow {
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("freeze window must end after it starts: " + start + " to " + end);
            }
        }

        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    /** Builds {@link Guards}. */
    public static final class Builder {
        private final Map<String, Long> budgets = new LinkedHashMap<>();
        private final Map<String, Double> maxRates = new LinkedHashMap<>();
        private final List<String> protectedPatterns = new ArrayList<>();
        private final java.util.Set<String> approvalEnvironments = new java.util.LinkedHashSet<>();
        private final List<FreezeWindow> freezes = new ArrayList<>();

        /**
         * At most {@code max} of {@code what} (keys, partitions, pods, messages) per step.
         *
         * @throws IllegalArgumentException if max is negative
         */
        public Builder budget(String what, long max) {
            if (max < 0) {
                throw new IllegalArgumentException("budget '" + what + "' must be >= 0, was " + max);
            }
            budgets.put(what, max);
            return this;
        }

        /**
         * At most {@code perSecond} of {@code what} (for example {@code keys/s}) per step.
         *
         * @throws IllegalArgumentException if the rate is not positive
         */
        public Builder maxRate(String what, double perSecond) {
            if (!(perSecond > 0)) {
                throw new IllegalArgumentException("rate budget '" + what + "' must be > 0, was " + perSecond);
            }
            maxRates.put(what, perSecond);
            return this;
        }

        /**
         * Names matching these globs ({@code *} and {@code ?}) are never changed.
         *
         * @throws IllegalArgumentException for an empty pattern
         */
        public Builder protect(String... globs) {
            for (String g : globs) {
                if (g == null || g.isBlank()) {
                    throw new IllegalArgumentException("protected pattern must not be empty");
                }
                protectedPatterns.add(g);
            }
            return this;
        }

        /** Steps that change something need an approval in these environments. */
        public Builder requireApprovalIn(String... environments) {
            for (String e : environments) {
                approvalEnvironments.add(e.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** No change may be made between {@code start} and {@code end}. */
        public Builder freeze(Instant start, Instant end, String reason) {
            freezes.add(new FreezeWindow(start, end, reason));
            return this;
        }

        /** Lifts every freeze: an override; the guards in force are in every run's RUN_STARTED audit record. */
        public Builder liftFreezes() {
            freezes.clear();
            return this;
        }

        public Guards build() {
            return new Guards(this);
        }
    }
}
