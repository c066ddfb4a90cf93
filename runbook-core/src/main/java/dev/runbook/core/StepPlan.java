package dev.runbook.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One action's dry run: what it observed, what it intends, how much it touches, and one sentence for a
 * person. Immutable and serialisable; {@link #fingerprint()} hashes the observed before-state so that
 * apply can tell when the world moved.
 *
 * <pre>{@code
 * StepPlan plan = StepPlan.builder(this)
 *     .summary("UNLINK 1,000,000 keys matching 'cache:wms:stock:*'")
 *     .before(observed).after(intended).blastRadius("keys", 1_000_000)
 *     .build();
 * }</pre>
 *
 * @param actionType the action's {@link Action#type()}
 * @param target the action's {@link Action#target()}
 * @param change whether apply would change anything
 * @param summary one human sentence; for {@link Change#NONE} it gives the reason
 * @param before the observed before-state, as the action recorded it
 * @param after the intended after-state
 * @param blastRadius what apply touches, in numbers: keys, partitions, pods, messages
 * @param rates the rates apply will run at, per second: {@code keys/s}
 * @param resources names apply touches (or a sample of them), for protected-name guards
 * @param warnings things the reviewer should know (protected keys kept, partitions excluded)
 * @param details action-specific extras for the reviewer (samples, histograms)
 * @param fingerprint SHA-256 of {@code before}
 */
public record StepPlan(
        String actionType,
        String target,
        Change change,
        String summary,
        JsonNode before,
        JsonNode after,
        Map<String, Long> blastRadius,
        Map<String, Double> rates,
        List<String> resources,
        List<String> warnings,
        JsonNode details,
        String fingerprint) {

    public StepPlan {
        Objects.requireNonNull(actionType, "actionType");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(change, "change");
        if (summary == null || summary.isBlank()) {
            throw new IllegalArgumentException("a step plan needs a one-sentence summary");
        }
        before = before == null ? Json.tree(null) : before;
        after = after == null ? Json.tree(null) : after;
        blastRadius = Map.copyOf(blastRadius == null ? Map.of() : blastRadius);
        rates = Map.copyOf(rates == null ? Map.of() : rates);
        resources = List.copyOf(resources == null ? List.of() : resources);
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
        details = details == null ? Json.tree(null) : details;
        fingerprint = fingerprint == null ? Json.fingerprint(before) : fingerprint;
    }

    /** Whether apply has nothing to do. */
    @JsonIgnore
    public boolean isNoop() {
        return change == Change.NONE;
    }

    /** The before-state as the action's own type. */
    public <T> T before(Class<T> type) {
        return Json.convert(before, type);
    }

    /** The intended after-state as the action's own type. */
    public <T> T after(Class<T> type) {
        return Json.convert(after, type);
    }

    /** The details as the action's own type. */
    public <T> T details(Class<T> type) {
        return Json.convert(details, type);
    }

    /** A blast-radius figure, or 0 when absent. */
    public long radius(String what) {
        return blastRadius.getOrDefault(what, 0L);
    }

    /**
     * Throws {@link StalePlanException} unless {@code observedNow} fingerprints the same as the plan's
     * before-state. Call it in apply after re-reading the state.
     *
     * @throws StalePlanException naming the target and telling the user to plan again
     */
    public void requireUnchanged(Object observedNow) {
        String now = Json.fingerprint(Json.tree(observedNow));
        if (!now.equals(fingerprint)) {
            throw new StalePlanException(target + " changed since the plan (" + actionType + "): planned on "
                    + abbreviate(before) + ", now " + abbreviate(Json.tree(observedNow))
                    + "; plan again and review the new plan");
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
    }

    /** Starts a plan for {@code action}. */
    public static Builder builder(Action action) {
        return new Builder(action.type(), action.target());
    }

    /** A plan that does nothing, with the reason and the observed state. */
    public static StepPlan unchanged(Action action, String reason, Object before) {
        return builder(action)
                .change(Change.NONE)
                .summary("unchanged: " + reason)
                .before(before)
                .after(before)
                .build();
    }

    /** Builds a {@link StepPlan}. */
    public static final class Builder {
        private final String actionType;
        private final String target;
        private Change change = Change.CHANGE;
        private String summary;
        private JsonNode before;
        private JsonNode after;
        private final Map<String, Long> blastRadius = new LinkedHashMap<>();
        private final Map<String, Double> rates = new LinkedHashMap<>();
        private final List<String> resources = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private JsonNode details;

        private Builder(String actionType, String target) {
            this.actionType = actionType;
            this.target = target;
        }

        /** {@link Change#CHANGE} unless set. */
        public Builder change(Change change) {
            this.change = change;
            return this;
        }

        /** One human sentence: what apply will do, with numbers. */
        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        /** The observed state; apply compares it (by fingerprint) with what it reads again. */
        public Builder before(Object before) {
            this.before = Json.tree(before);
            return this;
        }

        /** The intended state. */
        public Builder after(Object after) {
            this.after = Json.tree(after);
            return this;
        }

        /**
         * How many of {@code what} (keys, partitions, pods, messages) apply touches, for budgets.
         *
         * @throws IllegalArgumentException if count is negative
         */
        public Builder blastRadius(String what, long count) {
            if (count < 0) {
                throw new IllegalArgumentException("blast radius '" + what + "' must be >= 0, was " + count);
            }
            blastRadius.put(what, count);
            return this;
        }

        /** A rate apply will run at, such as {@code keys/s}, for rate budgets. */
        public Builder rate(String what, double perSecond) {
            rates.put(what, perSecond);
            return this;
        }

        /** A name apply touches, for protected-name guards. */
        public Builder resource(String name) {
            resources.add(name);
            return this;
        }

        /** Names apply touches, for protected-name guards. */
        public Builder resources(List<String> names) {
            resources.addAll(names);
            return this;
        }

        /** Something the reviewer should know. */
        public Builder warning(String warning) {
            warnings.add(warning);
            return this;
        }

        /** Extras for the reviewer: samples, histograms. */
        public Builder details(Object details) {
            this.details = Json.tree(details);
            return this;
        }

        /**
         * The plan, fingerprinted from its before-state.
         *
         * @throws IllegalArgumentException if the summary is blank
         */
        public StepPlan build() {
            return new StepPlan(
                    actionType,
                    target,
                    change,
                    summary,
                    before,
                    after,
                    blastRadius,
                    rates,
                    resources,
                    warnings,
                    details,
                    null);
        }
    }
}
