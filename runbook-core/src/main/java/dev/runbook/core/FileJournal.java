package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Journal} of one JSON-lines file per run: {@code begin} (with the plan), {@code started},
 * {@code finished} (with the outcome) and {@code end} records, each forced to disk before the engine
 * goes on. A torn last line (a crash mid-write) is ignored on load.
 */
final class FileJournal implements Journal {
    private final Path directory;

    FileJournal(Path directory) {
        this.directory = directory;
    }

    @Override
    public synchronized void begin(String runId, Plan plan) {
        if (Files.exists(file(runId))) {
            return;
        }
        append(runId, "begin", Map.of("plan", plan));
    }

    @Override
    public synchronized void stepStarted(String runId, String stepId) {
        append(runId, "started", Map.of("stepId", stepId));
    }

    @Override
    public synchronized void stepFinished(String runId, StepOutcome outcome) {
        append(runId, "finished", Map.of("outcome", outcome));
    }

    @Override
    public synchronized void spanOpened(String runId, String stepId, String spanId) {
        append(runId, "spanOpened", Map.of("span", spanId, "stepId", stepId));
    }

    @Override
    public synchronized void spanClosed(String runId, String spanId) {
        append(runId, "spanClosed", Map.of("span", spanId));
    }

    @Override
    public synchronized void finished(String runId, RunStatus status) {
        append(runId, "end", Map.of("status", status.name()));
    }

    @Override
    public synchronized Optional<RunRecord> load(String runId) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file(runId), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RunbookException(
                    "cannot read the journal of run " + runId + " at " + file(runId) + ": " + e.getMessage(), e);
        }
        Plan plan = null;
        List<StepOutcome> finished = new ArrayList<>();
        Set<String> started = new LinkedHashSet<>();
        RunStatus status = null;
        Map<String, String> openSpans = new LinkedHashMap<>();
        for (String line : lines) {
            JsonNode n;
            try {
                n = Json.mapper().readTree(line);
            } catch (IOException e) {
                break; // a torn last line from a crash mid-write
            }
            switch (n.path("type").asText()) {
                case "begin" -> plan = Json.convert(n.get("plan"), Plan.class);
                case "started" -> started.add(n.get("stepId").asText());
                case "finished" -> {
                    StepOutcome o = Json.convert(n.get("outcome"), StepOutcome.class);
                    finished.removeIf(x -> x.stepId().equals(o.stepId()));
                    finished.add(o);
                }
                case "end" -> status = RunStatus.valueOf(n.get("status").asText());
                case "spanOpened" ->
                    openSpans.put(n.get("span").asText(), n.path("stepId").asText(""));
                case "spanClosed" -> openSpans.remove(n.get("span").asText());
                default -> {}
            }
        }
        if (plan == null) {
            return Optional.empty();
        }
        return Optional.of(new RunRecord(runId, plan, finished, started, status, openSpans));
    }

    @Override
    public synchronized List<String> unfinished() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl"))
                    .map(n -> n.substring(0, n.length() - ".jsonl".length()))
                    .filter(id -> load(id).map(r -> !r.ended()).orElse(false))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new RunbookException("cannot list the journal in " + directory + ": " + e.getMessage(), e);
        }
    }

    private Path file(String runId) {
        if (!runId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "run id '" + runId + "' may contain only letters, digits, '.', '_' and '-'");
        }
        return directory.resolve(runId + ".jsonl");
    }

    /** Appends one record: its {@code type} and its fields. */
    private void append(String runId, String type, Map<String, ?> fields) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("type", type);
        fields.forEach((k, v) -> n.set(k, Json.tree(v)));
        append(runId, n);
    }

    private void append(String runId, JsonNode record) {
        byte[] bytes = (Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(directory);
            try (FileChannel ch = FileChannel.open(
                    file(runId), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new RunbookException(
                    "cannot write the journal of run " + runId + " in " + directory + ": " + e.getMessage()
                            + "; the run stops so that it can be resumed",
                    e);
        }
    }
}
