package dev.runbook.cli;

import dev.runbook.core.Journal;
import dev.runbook.core.Plan;
import dev.runbook.core.RunRecord;
import dev.runbook.core.RunStatus;
import dev.runbook.core.RunbookException;
import dev.runbook.core.StepOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The file journal, plus the saved plan of each run beside it ({@code <run id>.plan.json}): what
 * {@code runbook resume RUN-ID} needs to rebuild the same runbook (its parameters and profile), since
 * the core journal keeps the plan but not how the runbook was built.
 */
final class SidecarJournal implements Journal {
    private final Journal files;
    private final Path directory;
    private final SavedPlan saved;

    SidecarJournal(Path directory, SavedPlan saved) {
        this.files = Journal.files(directory);
        this.directory = directory;
        this.saved = saved;
    }

    static Path sidecar(Path directory, String runId) {
        return directory.resolve(runId + ".plan.json");
    }

    @Override
    public void begin(String runId, Plan plan) {
        try {
            Files.createDirectories(directory);
            Files.writeString(sidecar(directory, runId), saved.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RunbookException("cannot write " + sidecar(directory, runId) + ": " + e.getMessage(), e);
        }
        files.begin(runId, plan);
    }

    @Override
    public void stepStarted(String runId, String stepId) {
        files.stepStarted(runId, stepId);
    }

    @Override
    public void stepFinished(String runId, StepOutcome outcome) {
        files.stepFinished(runId, outcome);
    }

    @Override
    public void finished(String runId, RunStatus status) {
        files.finished(runId, status);
    }

    @Override
    public void spanOpened(String runId, String stepId, String spanId) {
        files.spanOpened(runId, stepId, spanId);
    }

    @Override
    public void spanClosed(String runId, String spanId) {
        files.spanClosed(runId, spanId);
    }

    @Override
    public Optional<RunRecord> load(String runId) {
        return files.load(runId);
    }

    @Override
    public List<String> unfinished() {
        return files.unfinished();
    }

    @Override
    public String toString() {
        return "files in " + directory;
    }
}
