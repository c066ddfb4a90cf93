package dev.runbook.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link Journal} in memory. */
class InMemoryJournal implements Journal {
    private final Map<String, State> runs = new ConcurrentHashMap<>();

    private static final class State {
        final Plan plan;
        final List<StepOutcome> finished = new ArrayList<>();
        final Set<String> started = new LinkedHashSet<>();
        RunStatus status;
        final Map<String, String> openSpans = new java.util.LinkedHashMap<>();

        State(Plan plan) {
            this.plan = plan;
        }
    }

    @Override
    public void begin(String runId, Plan plan) {
        runs.putIfAbsent(runId, new State(plan));
    }

    @Override
    public synchronized void stepStarted(String runId, String stepId) {
        state(runId).started.add(stepId);
    }

    @Override
    public synchronized void stepFinished(String runId, StepOutcome outcome) {
        State s = state(runId);
        s.finished.removeIf(o -> o.stepId().equals(outcome.stepId()));
        s.finished.add(outcome);
    }

    @Override
    public synchronized void spanOpened(String runId, String stepId, String spanId) {
        state(runId).openSpans.put(spanId, stepId);
    }

    @Override
    public synchronized void spanClosed(String runId, String spanId) {
        state(runId).openSpans.remove(spanId);
    }

    @Override
    public synchronized void finished(String runId, RunStatus status) {
        state(runId).status = status;
    }

    @Override
    public synchronized Optional<RunRecord> load(String runId) {
        State s = runs.get(runId);
        return s == null
                ? Optional.empty()
                : Optional.of(new RunRecord(runId, s.plan, s.finished, s.started, s.status, s.openSpans));
    }

    @Override
    public synchronized List<String> unfinished() {
        return runs.entrySet().stream()
                .filter(e -> e.getValue().status == null)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    private State state(String runId) {
        State s = runs.get(runId);
        if (s == null) {
            throw new IllegalStateException("run " + runId + " was not begun in this journal");
        }
        return s;
    }
}
