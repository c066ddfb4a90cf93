package dev.runbook.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A run's progress, persisted as it goes, so that a run that crashed resumes at the first unfinished
 * step without repeating a finished one.
 *
 * <pre>{@code
 * RunbookEngine engine = RunbookEngine.builder().journal(Journal.files(Path.of("runbook-journal"))).build();
 * Report r = engine.resume(runbook, "run-2026-11-21-a1b2");
 * }</pre>
 */
public interface Journal {

    /** Records that a run of {@code plan} began. */
    void begin(String runId, Plan plan);

    /** Records that a step is about to run. */
    void stepStarted(String runId, String stepId);

    /** Records a step's outcome. */
    void stepFinished(String runId, StepOutcome outcome);

    /** Records that the run ended. */
    void finished(String runId, RunStatus status);

    /**
     * Records that audit span {@code spanId} was opened (a {@code *_STARTED} record was written) for
     * {@code stepId}, or for the run attempt itself when {@code stepId} is empty. A resume closes the spans
     * a crash left open, so that every start in the audit gets its end. The default keeps nothing.
     */
    default void spanOpened(String runId, String stepId, String spanId) {}

    /** Records that audit span {@code spanId} got its end record. The default keeps nothing. */
    default void spanClosed(String runId, String spanId) {}

    /** What is known of a run, if anything. */
    Optional<RunRecord> load(String runId);

    /**
     * The ids of runs that began and did not end (crashed, or stopped by a failed audit sink or
     * journal): the runs {@link RunbookEngine#resume} can finish. Empty for journals that cannot list.
     */
    default List<String> unfinished() {
        return List.of();
    }

    /** A journal of one JSON-lines file per run in {@code directory}, each append forced to disk. */
    static Journal files(Path directory) {
        return new FileJournal(directory);
    }

    /** A journal in memory: resumes within one JVM only (tests). */
    static Journal inMemory() {
        return new InMemoryJournal();
    }

    /** A journal that keeps nothing: a crashed run cannot resume. */
    static Journal none() {
        return new InMemoryJournal() {
            @Override
            public synchronized Optional<RunRecord> load(String runId) {
                return Optional.empty();
            }

            @Override
            public synchronized List<String> unfinished() {
                return List.of();
            }
        };
    }
}
