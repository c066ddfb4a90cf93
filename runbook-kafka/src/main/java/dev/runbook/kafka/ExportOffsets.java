package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.Plural;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes every consumer group's committed offsets to a file, CSV ({@code group,topic,partition,offset},
 * importable with {@code kafka-consumer-groups --from-file} and {@link ResetOffsetsBuilder#fromCsv}) or
 * JSON for a {@code .json} name. It never overwrites a different earlier export.
 *
 * <pre>{@code
 * kafka.exportOffsets(Path.of("/var/tmp/offsets-before-INC-042.csv"))   // a step before any reset
 * }</pre>
 *
 * <p>Plan throws {@link RefusedException} when the file exists with other offsets or a named group does not
 * exist; apply throws {@link
 * dev.runbook.core.StalePlanException} when the file changed since the plan.
 */
public final class ExportOffsets implements Action {

    /** What the plan saw at the destination: whether the file exists and a hash of its bytes. */
    record FileState(String file, boolean exists, String sha256) {}

    private final OffsetReader reader;
    private final Path file;
    private final java.util.Set<String> groups;

    ExportOffsets(OffsetReader reader, Path file, java.util.Set<String> groups) {
        this.reader = reader;
        this.file = file.toAbsolutePath();
        this.groups = java.util.Set.copyOf(groups);
    }

    @Override
    public String type() {
        return "kafka.exportOffsets";
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(reader.endpoint());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("groups", "rows");
    }

    @Override
    public String target() {
        return reader.target() + " committed offsets of "
                + (groups.isEmpty() ? "every group" : "groups " + new java.util.TreeSet<>(groups)) + " -> " + file;
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param file the CSV file written
     * @param groups the groups exported (empty: every group)
     */
    public record Params(String file, java.util.Set<String> groups) {}

    @Override
    public Params parameters() {
        return new Params(file.toString(), groups);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        FileState state = fileState();
        OffsetSnapshot now = OffsetSnapshot.read(reader, ctx.clock(), groups);
        List<String> unknown = groups.stream()
                .filter(g -> !now.groups().containsKey(g))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            // a misspelt group would give an empty record of "the offsets before", found empty only when needed
            throw new RefusedException("consumer group" + (unknown.size() == 1 ? " " : "s ") + unknown
                    + (unknown.size() == 1 ? " does" : " do") + " not exist on " + reader.target() + "; an export of "
                    + (unknown.size() == 1 ? "it" : "them") + " would hold no offsets: check the names with"
                    + " kafka-consumer-groups --list (nothing was written)");
        }
        if (state.exists()) {
            if (sameOffsets(read(), now.groups())) {
                return StepPlan.unchanged(this, file + " already holds these " + now.rows() + " offsets", state);
            }
            throw new RefusedException(file + " exists with other offsets (an earlier export?); it is never"
                    + " overwritten: choose a new file name, or move the old one away");
        }
        return StepPlan.builder(this)
                .summary("write " + Plural.of(now.rows(), "committed offset") + " of "
                        + Plural.of(now.groups().size(), "group") + " to " + file + (json() ? " (JSON)" : " (CSV)"))
                .before(state)
                .after(now.groups())
                .blastRadius("groups", now.groups().size())
                .blastRadius("rows", now.rows())
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        FileState state = fileState();
        OffsetSnapshot now = OffsetSnapshot.read(reader, ctx.clock(), groups);
        if (state.exists() && sameOffsets(read(), now.groups())) {
            return ApplyResult.unchanged(file + " already holds these " + now.rows() + " offsets")
                    .build();
        }
        plan.requireUnchanged(state);
        String text = json() ? now.toJson() : now.toCsv();
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the offsets to " + file + "; check the directory", e);
        }
        return ApplyResult.changed("wrote " + Plural.of(now.rows(), "committed offset") + " of "
                        + Plural.of(now.groups().size(), "group") + " to " + file)
                .count("rows", now.rows())
                .count("groups", now.groups().size())
                .details(now)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        if (!Files.exists(file)) {
            return Verification.failed(file + " does not exist");
        }
        Map<String, List<PartitionOffset>> written = read();
        long rows = written.values().stream().mapToLong(List::size).sum();
        long expected = result.outcome() == dev.runbook.core.Outcome.CHANGED ? result.count("rows") : rows;
        return rows == expected
                ? Verification.passed(
                        file + " holds " + Plural.of(rows, "offset") + " of " + Plural.of(written.size(), "group"))
                : Verification.failed(file + " holds " + rows + " offsets, " + expected + " were written");
    }

    @Override
    public boolean destructive() {
        return false;
    }

    /** The file this export writes. */
    public Path file() {
        return file;
    }

    private boolean json() {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    private FileState fileState() {
        if (!Files.exists(file)) {
            return new FileState(file.toString(), false, "");
        }
        try {
            return new FileState(file.toString(), true, Json.sha256(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The groups and offsets an existing export holds. */
    /**
     * Whether the file holds the live offsets. A group with no committed offset (a consumer that has
     * not committed yet) has no row in the CSV, so only groups with rows are compared.
     */
    private static boolean sameOffsets(
            Map<String, List<PartitionOffset>> written, Map<String, List<PartitionOffset>> live) {
        return withRows(written).equals(withRows(live));
    }

    private static Map<String, List<PartitionOffset>> withRows(Map<String, List<PartitionOffset>> groups) {
        Map<String, List<PartitionOffset>> out = new java.util.TreeMap<>();
        groups.forEach((g, rows) -> {
            if (!rows.isEmpty()) {
                out.put(g, rows);
            }
        });
        return out;
    }

    private Map<String, List<PartitionOffset>> read() {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (json()) {
                return Json.read(text, OffsetSnapshot.class).groups();
            }
            Map<String, List<PartitionOffset>> out = new TreeMap<>();
            for (String line : text.split("\\R")) {
                String[] f = line.split(",", -1);
                if (f.length == 4) {
                    out.computeIfAbsent(f[0], g -> new java.util.ArrayList<>()).addAll(OffsetsCsv.parse(line, f[0]));
                }
            }
            return new OffsetSnapshot(java.time.Instant.EPOCH, out).groups();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
