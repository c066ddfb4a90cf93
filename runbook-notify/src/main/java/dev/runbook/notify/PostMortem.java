package dev.runbook.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.audit.AuditLogVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The post-mortem of an incident, from its runs' hash-chained audit files only ({@code
 * JsonLinesAuditSink}): each file is verified with {@link AuditLogVerifier} first (a broken chain stops
 * the export), then its records become a timeline in UTC: the alert if given, each run, each step's plan
 * summary and outcome, approvals with who and why, notifications, status page changes, escalations,
 * refused applies. {@link #toMarkdown()} fills the seeds' post-mortem template (seed 004) and leaves the
 * human parts to fill; {@link #timelineJson()} is the same timeline as JSON.
 *
 * <pre>{@code
 * PostMortem pm = PostMortem.fromAudit(Path.of("audit.jsonl")).incident(inc).build();
 * System.out.println(pm.toMarkdown());
 * }</pre>
 */
public final class PostMortem {
    private final Incident incident;
    private final String incidentId;
    private final List<TimelineEntry> timeline;
    private final String verified;
    private final List<String> runs;

    private PostMortem(
            Incident incident, String incidentId, List<TimelineEntry> timeline, String verified, List<String> runs) {
        this.incident = incident;
        this.incidentId = incidentId;
        this.timeline = List.copyOf(timeline);
        this.verified = verified;
        this.runs = List.copyOf(runs);
    }

    /** Starts an export from one or more audit files of one incident. */
    public static Builder fromAudit(Path... files) {
        return new Builder(List.of(files));
    }

    /** The timeline, oldest first. */
    public List<TimelineEntry> timeline() {
        return timeline;
    }

    /** What was verified: files, records, and the hash each chain ends at. */
    public String verification() {
        return verified;
    }

    /** The runs found, in order. */
    public List<String> runs() {
        return runs;
    }

    /** The incident's id: the one given, else the audit's. */
    public String incidentId() {
        return incidentId;
    }

    /** The seeds' post-mortem template in Markdown, the timeline filled in. */
    public String toMarkdown() {
        return PostMortemMarkdown.render(this, incident);
    }

    /** The timeline as JSON: the incident, what was verified, and the rows. */
    public String timelineJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("incident", incidentId);
        root.put("title", incident == null ? null : incident.title());
        root.put("severity", incident == null ? null : incident.severity().label());
        root.put("verified", verified);
        root.put("runs", runs);
        root.put("timeline", timeline);
        return Json.writePretty(root);
    }

    /** The span from the first row to the last. */
    Duration duration() {
        return timeline.isEmpty()
                ? Duration.ZERO
                : Duration.between(
                        timeline.get(0).time(),
                        timeline.get(timeline.size() - 1).time());
    }

    @Override
    public String toString() {
        return "PostMortem[" + incidentId + ", " + timeline.size() + " rows, " + verified + "]";
    }

    /** Chooses the incident and the files' expected heads. */
    public static final class Builder {
        private final List<Path> files;
        private final Map<Path, String> heads = new LinkedHashMap<>();
        private Incident incident;
        private String incidentId;

        private Builder(List<Path> files) {
            if (files.isEmpty()) {
                throw new IllegalArgumentException("name at least one audit file (JsonLinesAuditSink)");
            }
            this.files = files;
        }

        /** The incident: title, severity, alert time (a timeline row), commander; only its runs are kept. */
        public Builder incident(Incident incident) {
            this.incident = Objects.requireNonNull(incident, "incident");
            this.incidentId = incident.id();
            return this;
        }

        /** Keeps only the records of this incident id (several incidents may share an audit file). */
        public Builder incidentId(String id) {
            this.incidentId = id;
            return this;
        }

        /** The head ({@code JsonLinesAuditSink.head()}) {@code file} must end at: records cut off its end are found. */
        public Builder head(Path file, String expectedHead) {
            heads.put(file, expectedHead);
            return this;
        }

        /**
         * Verifies every file, then reads the timeline.
         *
         * @throws dev.runbook.core.audit.AuditException naming the file and line that break a chain
         */
        public PostMortem build() {
            List<JsonNode> events = new ArrayList<>();
            List<String> verifiedParts = new ArrayList<>();
            long records = 0;
            for (Path f : files) {
                List<JsonNode> lines =
                        heads.containsKey(f) ? AuditLogVerifier.verify(f, heads.get(f)) : AuditLogVerifier.verify(f);
                records += lines.size();
                String head = lines.isEmpty()
                        ? "empty"
                        : lines.get(lines.size() - 1).path("hash").asText().substring(0, 12);
                verifiedParts.add(f.getFileName() + " (" + lines.size() + (lines.size() == 1 ? " record" : " records")
                        + ", ends at " + head + (heads.containsKey(f) ? ", the expected head" : "") + ")");
                lines.forEach(l -> events.add(l.path("event")));
            }
            String only = incidentId;
            List<JsonNode> kept = events.stream()
                    .filter(e ->
                            only == null || only.equals(e.path("incidentId").asText(null)))
                    .sorted(Comparator.comparing(
                            e -> Instant.parse(e.path("time").asText())))
                    .toList();
            String id = only;
            if (id == null) {
                id = kept.stream()
                        .map(e -> e.path("incidentId").asText(null))
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(
                                kept.isEmpty()
                                        ? "unknown"
                                        : kept.get(0).path("runbookId").asText());
            }
            List<TimelineEntry> rows = new ArrayList<>();
            if (incident != null) {
                rows.add(new TimelineEntry(
                        incident.alertAt(), "alert", null, null, null, "Alert fired: " + incident.title(), null));
            }
            rows.addAll(AuditTimeline.of(kept));
            rows.sort(Comparator.comparing(TimelineEntry::time));
            List<String> runs = kept.stream()
                    .filter(e -> "RUN_STARTED".equals(e.path("type").asText()))
                    .map(e -> e.path("runId").asText())
                    .distinct()
                    .toList();
            String verified = "hash chain verified with AuditLogVerifier: " + records + " records in " + files.size()
                    + (files.size() == 1 ? " file: " : " files: ") + String.join(", ", verifiedParts);
            return new PostMortem(incident, id, rows, verified, runs);
        }
    }
}
