package dev.runbook.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An incident runbook as a value: metadata and ordered steps (prechecks, actions, waits,
 * verifications, manual notes), with what to do when a step fails. Build it with the fluent {@link
 * #builder(String, String)}; plan and apply it with a {@link RunbookEngine}.
 *
 * <pre>{@code
 * Runbook rb = Runbook.builder("INC-004", "Redis OOM")
 *     .severity(Severity.SEV2).service("wms")
 *     .precheck("memory is high", memoryRatio, Conditions.above(0.9))
 *     .step("flush the stock cache", redis.scanDelete("cache:wms:stock:*"))
 *     .waitUntil("memory recovers", memoryRatio, Conditions.below(0.8), Duration.ofMinutes(2))
 *     .manual("tell the team", "Post in #wms-oncall that the stock cache was flushed")
 *     .build();
 * }</pre>
 *
 * @param id the incident runbook id, such as {@code INC-004}
 * @param title what the runbook handles
 * @param severity the incident's severity
 * @param service the service concerned
 * @param links dashboards, tickets, documents
 * @param steps the steps, in order
 * @param onFailure what a run does when a step fails
 */
public record Runbook(
        String id,
        String title,
        Severity severity,
        String service,
        List<String> links,
        List<Step> steps,
        OnFailure onFailure) {

    public Runbook {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a runbook needs an id, such as INC-004");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("runbook " + id + " needs a title, such as 'Redis OOM'");
        }
        Objects.requireNonNull(severity, "severity");
        links = List.copyOf(links);
        steps = List.copyOf(steps);
        Objects.requireNonNull(onFailure, "onFailure");
        Set<String> ids = new HashSet<>();
        for (Step s : steps) {
            if (s.id() == null || s.id().isBlank()) {
                throw new IllegalArgumentException("runbook " + id + " has a step without an id: " + s.title());
            }
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("runbook " + id + " has two steps with id '" + s.id() + "'");
            }
        }
    }

    /**
     * Starts a runbook with its id and title.
     *
     * @throws IllegalArgumentException if the id or title is blank
     */
    public static Builder builder(String id, String title) {
        return new Builder(id, title);
    }

    /**
     * The step with this id.
     *
     * @throws IllegalArgumentException naming the runbook's step ids, if there is no such step
     */
    public Step step(String stepId) {
        return steps.stream()
                .filter(s -> s.id().equals(stepId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("runbook " + id + " has no step '" + stepId
                        + "'; its steps are " + steps.stream().map(Step::id).toList()));
    }

    /** SHA-256 of the runbook's definition: a plan made from another definition is refused. */
    public String fingerprint() {
        String def = id + "\n"
                + steps.stream().map(s -> s.id() + " " + s.definition()).collect(Collectors.joining("\n"));
        return Json.sha256(def);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(id).append(" · ").append(title).append(" (").append(severity.label());
        if (service != null) {
            sb.append(", ").append(service);
        }
        sb.append(")\n");
        int width = steps.stream().mapToInt(s -> s.id().length()).max().orElse(0);
        for (Step s : steps) {
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s  %-8s %s%n", s.id(), s.kind(), s.title()));
        }
        return sb.toString();
    }

    /**
     * Builds a {@link Runbook} step by step. Each step's id comes from its title ({@code "flush the stock
     * cache"} gives {@code flush-the-stock-cache}; a repeated title gets {@code -2}, {@code -3}), so adding
     * or moving a step changes no other step's id; {@link #id(String)} names a step explicitly.
     */
    public static final class Builder {
        private final String id;
        private final String title;
        private Severity severity = Severity.SEV3;
        private String service;
        private final List<String> links = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private OnFailure onFailure = OnFailure.STOP;
        private Duration verifyTimeout = Duration.ofSeconds(30);
        private final Set<String> explicitIds = new HashSet<>();

        private Builder(String id, String title) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a runbook needs an id, such as INC-004; was '" + id + "'");
            }
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("runbook " + id + " needs a title, such as 'Redis OOM'");
            }
            this.id = id;
            this.title = title;
        }

        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            return this;
        }

        public Builder service(String service) {
            this.service = service;
            return this;
        }

        public Builder link(String link) {
            links.add(link);
            return this;
        }

        /** What a run does when a step fails; {@link OnFailure#STOP} unless set. */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
            return this;
        }

        /** How long each following action's post-condition may take to hold; 30 s unless set. */
        public Builder verifyTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("verify timeout must be >= 0, was " + timeout);
            }
            this.verifyTimeout = timeout;
            return this;
        }

        /** A condition that must hold before anything changes (checked when planning and applying). */
        public <T> Builder precheck(String title, Probe<T> probe, Condition<? super T> condition) {
            steps.add(new Step.Check<>(nextId(title), title, StepKind.PRECHECK, probe, condition));
            return this;
        }

        /** An action step. */
        public Builder step(String title, Action action) {
            steps.add(new Step.Act(nextId(title), title, action, verifyTimeout));
            return this;
        }

        /** An action step titled after the action. */
        public Builder step(Action action) {
            return step(action.type() + " " + action.target(), action);
        }

        /** Waits until {@code probe} satisfies {@code condition}, polling every 500 ms. */
        public <T> Builder waitUntil(String title, Probe<T> probe, Condition<? super T> condition, Duration timeout) {
            steps.add(new Step.Wait<>(nextId(title), title, probe, condition, timeout, Probes.DEFAULT_POLL));
            return this;
        }

        /** A condition that must hold after the actions. */
        public <T> Builder verify(String title, Probe<T> probe, Condition<? super T> condition) {
            steps.add(new Step.Check<>(nextId(title), title, StepKind.VERIFY, probe, condition));
            return this;
        }

        /** Something a person does; the run waits for their confirmation, which is audited. */
        public Builder manual(String title, String instructions) {
            steps.add(new Step.Manual(nextId(title), title, instructions));
            return this;
        }

        /**
         * Gives the step added last this id instead of the one derived from its title, for ids that tests,
         * dashboards and journals refer to: {@code .step("delete the cache", flush).id("delete-cache")}.
         *
         * @throws IllegalArgumentException for an id that is blank, has characters other than letters,
         *     digits, {@code . _ -}, or is already used in this runbook
         * @throws IllegalStateException if no step was added yet
         */
        public Builder id(String stepId) {
            if (steps.isEmpty()) {
                throw new IllegalStateException("id('" + stepId + "') names the step added last; add a step first");
            }
            if (stepId == null || !stepId.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("step id '" + stepId + "' of runbook " + id
                        + " must be letters, digits, '.', '_' or '-', such as 'delete-cache'");
            }
            Step last = steps.get(steps.size() - 1);
            for (Step s : steps) {
                if (s != last && s.id().equals(stepId)) {
                    throw new IllegalArgumentException("runbook " + id + " already has a step with id '" + stepId
                            + "' (" + s.title() + "); choose another id");
                }
            }
            steps.set(steps.size() - 1, withId(last, stepId));
            explicitIds.add(stepId);
            return this;
        }

        private static Step withId(Step s, String newId) {
            if (s instanceof Step.Check<?> c) {
                return checkWithId(c, newId);
            }
            if (s instanceof Step.Act a) {
                return new Step.Act(newId, a.title(), a.action(), a.verifyTimeout());
            }
            if (s instanceof Step.Wait<?> w) {
                return waitWithId(w, newId);
            }
            Step.Manual m = (Step.Manual) s;
            return new Step.Manual(newId, m.title(), m.instructions());
        }

        private static <T> Step.Check<T> checkWithId(Step.Check<T> c, String newId) {
            return new Step.Check<>(newId, c.title(), c.kind(), c.probe(), c.condition());
        }

        private static <T> Step.Wait<T> waitWithId(Step.Wait<T> w, String newId) {
            return new Step.Wait<>(newId, w.title(), w.probe(), w.condition(), w.timeout(), w.poll());
        }

        @Override
        public String toString() {
            return "Runbook.Builder[" + id + " '" + title + "', " + Plural.of(steps.size(), "step") + ": "
                    + steps.stream().map(Step::id).toList() + "]";
        }

        /**
         * The runbook.
         *
         * @throws IllegalStateException if it has no steps
         */
        public Runbook build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException(
                        "runbook " + id + " has no steps; add a precheck, step, wait, verify or manual note");
            }
            return new Runbook(id, title, severity, service, links, steps, onFailure);
        }

        private String nextId(String title) {
            String slug =
                    title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
            if (slug.length() > 40) {
                slug = slug.substring(0, 40).replaceAll("-$", "");
            }
            String base = slug.isEmpty() ? "step" : slug;
            String candidate = base;
            for (int n = 2; taken(candidate); n++) {
                candidate = base + "-" + n;
            }
            return candidate;
        }

        private boolean taken(String candidate) {
            return explicitIds.contains(candidate) || steps.stream().anyMatch(s -> s.id().equals(candidate));
        }
    }
}
