package dev.runbook.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Chooses the partitions and policies of a reset; it becomes a {@link ResetOffsets} only when a strategy
 * ({@code toEarliest()}, {@code toOffset(n)}, {@code toDatetime(...)}, ...) is named.
 *
 * <pre>{@code
 * kafka.resetOffsets("billing").topic("orders").toDatetime("2026-11-21T08:00:00+07:00");
 * kafka.resetOffsets("billing").partitions("orders", 3).toOffset(1043);
 * kafka.resetOffsets("billing").allCommittedPartitions().shiftBy(-100);
 * }</pre>
 *
 * @throws IllegalArgumentException for a bad value (negative offset, a datetime without a zone)
 * @throws IllegalStateException for conflicting choices (topics and all committed partitions)
 */
public final class ResetOffsetsBuilder {

    private final OffsetReader reader;
    private final String group;
    private final Set<String> topics = new LinkedHashSet<>();
    private final Map<String, Set<Integer>> partitions = new HashMap<>();
    private boolean allCommitted;
    private boolean clamp;
    private boolean allowCreate;
    private boolean afterStop;

    ResetOffsetsBuilder(OffsetReader reader, String group) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("group must be named");
        }
        this.reader = reader;
        this.group = group;
    }

    /** Every partition of these topics. */
    public ResetOffsetsBuilder topic(String... names) {
        for (String t : names) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank");
            }
            topics.add(t);
        }
        return checkScope();
    }

    /** Only these partitions of {@code topic}. */
    public ResetOffsetsBuilder partitions(String topic, int... numbers) {
        Objects.requireNonNull(topic, "topic");
        if (numbers.length == 0) {
            throw new IllegalArgumentException("name at least one partition of " + topic);
        }
        for (int p : numbers) {
            if (p < 0) {
                throw new IllegalArgumentException("partition must be >= 0, was " + p);
            }
            partitions.computeIfAbsent(topic, t -> new java.util.TreeSet<>()).add(p);
        }
        return checkScope();
    }

    /** Every partition the group has committed an offset for (its topics may have been deleted since). */
    public ResetOffsetsBuilder allCommittedPartitions() {
        allCommitted = true;
        return checkScope();
    }

    /** Move offsets outside the log (or a time in the future) to the nearest end instead of refusing. */
    public ResetOffsetsBuilder clampToLogRange() {
        clamp = true;
        return this;
    }

    /** Allow a group that does not exist yet; the reset creates it with the new offsets. */
    public ResetOffsetsBuilder allowCreatingGroup() {
        allowCreate = true;
        return this;
    }

    /**
     * Plan the reset while the consumers still run, for a runbook whose earlier step stops them (INC-007,
     * scenario 3: scale to 0, wait until the group is Empty, reset): a group with members is a warning at
     * plan time instead of a refusal, and the plan records the group as it must be found at apply, EMPTY
     * with the committed offsets read now. Apply still refuses a group that has members, and refuses as
     * stale a group whose offsets moved (consumers that committed on their way out).
     */
    public ResetOffsetsBuilder afterConsumersStop() {
        afterStop = true;
        return this;
    }

    /** To the log start offset. */
    public ResetOffsets toEarliest() {
        return build(new OffsetStrategy.Earliest());
    }

    /** To the log end offset: the group skips everything not yet read. */
    public ResetOffsets toLatest() {
        return build(new OffsetStrategy.Latest());
    }

    /** To this offset on every partition in scope; refused outside the log unless clamped. */
    public ResetOffsets toOffset(long offset) {
        return build(new OffsetStrategy.ToOffset(offset));
    }

    /**
     * To the first record at or after this instant; where every record is older (a quiet or empty partition), to
     * the log end, as {@code kafka-consumer-groups} does. A time in the future is refused unless clamped.
     */
    public ResetOffsets toDatetime(Instant at) {
        return build(new OffsetStrategy.ToDatetime(at, at.toString()));
    }

    /**
     * To the first record at or after this time; where every record is older (a quiet or empty partition), to
     * the log end, as {@code kafka-consumer-groups} does. A time in the future is refused unless clamped.
     */
    public ResetOffsets toDatetime(OffsetDateTime at) {
        return build(new OffsetStrategy.ToDatetime(at.toInstant(), at.toString()));
    }

    /**
     * To the first record at or after this time; where every record is older (a quiet or empty partition), to
     * the log end, as {@code kafka-consumer-groups} does. A time in the future is refused unless clamped.
     */
    public ResetOffsets toDatetime(ZonedDateTime at) {
        return build(new OffsetStrategy.ToDatetime(at.toInstant(), at.toString()));
    }

    /**
     * To the first record at or after an ISO time that carries its zone: {@code 2026-11-21T08:00:00+07:00},
     * {@code 2026-11-21T01:00:00Z} or {@code 2026-11-21T08:00+07:00[Asia/Ho_Chi_Minh]}.
     *
     * @throws IllegalArgumentException if the text has no zone or offset (no silent local time)
     */
    public ResetOffsets toDatetime(String iso) {
        Objects.requireNonNull(iso, "iso");
        try {
            return toDatetime(OffsetDateTime.parse(iso));
        } catch (DateTimeParseException e) {
            try {
                return toDatetime(ZonedDateTime.parse(iso));
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("'" + iso + "' is not an ISO date-time with a zone; write the"
                        + " offset or zone explicitly, e.g. 2026-11-21T08:00:00+07:00 or 2026-11-21T01:00:00Z"
                        + " (a time without a zone is never read as this machine's local time)");
            }
        }
    }

    /** To the first record at or after now minus {@code duration} (now from the step's clock). */
    public ResetOffsets byDuration(Duration duration) {
        return build(new OffsetStrategy.ByDuration(duration));
    }

    /** The committed offset plus {@code shift}; partitions without a committed offset are excluded. */
    public ResetOffsets shiftBy(long shift) {
        return build(new OffsetStrategy.ShiftBy(shift));
    }

    /** To these explicit offsets (a previous plan's before-state, an export). */
    public ResetOffsets toOffsets(Collection<PartitionOffset> offsets) {
        return build(new OffsetStrategy.FromOffsets(List.copyOf(offsets), "the given offsets"));
    }

    /** To the offsets of a {@code kafka-consumer-groups --export} CSV (3 columns, or 4 with the group). */
    public ResetOffsets fromCsv(Path file) {
        String csv;
        try {
            csv = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read offsets from " + file + " (" + e + ")", e);
        }
        List<PartitionOffset> offsets;
        try {
            offsets = OffsetsCsv.parse(csv, group);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return build(new OffsetStrategy.FromOffsets(offsets, file.toString()));
    }

    /**
     * To the offsets of an export CSV given as text (to read a file, use {@link #fromCsv(Path)}).
     *
     * @throws IllegalArgumentException for text that is a file name rather than CSV, naming {@code
     *     fromCsv(Path.of(...))}
     */
    public ResetOffsets fromCsv(String csv) {
        if (csv != null && !csv.contains(",") && !csv.isBlank()) {
            throw new IllegalArgumentException("'" + csv + "' is not CSV text (it has no comma); to read offsets from"
                    + " a file, use fromCsv(Path.of(\"" + csv + "\"))");
        }
        return build(new OffsetStrategy.FromOffsets(OffsetsCsv.parse(csv, group), "the CSV"));
    }

    private ResetOffsetsBuilder checkScope() {
        if (allCommitted && (!topics.isEmpty() || !partitions.isEmpty())) {
            throw new IllegalStateException(
                    "choose either allCommittedPartitions() or topic(...)/partitions(...), not both");
        }
        return this;
    }

    private ResetOffsets build(OffsetStrategy strategy) {
        ResetScope scope = new ResetScope(topics, partitions, allCommitted);
        if (scope.isEmpty() && !(strategy instanceof OffsetStrategy.FromOffsets)) {
            throw new IllegalStateException("name the partitions to reset for group '" + group
                    + "': topic(...), partitions(topic, ...) or allCommittedPartitions()");
        }
        return new ResetOffsets(reader, group, scope, strategy, clamp, allowCreate, afterStop);
    }
}
