package dev.runbook.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** Where a reset moves each partition; resolved against the log at plan time. */
sealed interface OffsetStrategy {

    /** One phrase for the plan's summary: {@code to earliest}, {@code shift by -1}. */
    String describe();

    /** The log start offset. */
    record Earliest() implements OffsetStrategy {
        @Override
        public String describe() {
            return "to earliest";
        }
    }

    /** The log end offset. */
    record Latest() implements OffsetStrategy {
        @Override
        public String describe() {
            return "to latest";
        }
    }

    /** The same absolute offset on every partition in scope. */
    record ToOffset(long offset) implements OffsetStrategy {
        public ToOffset {
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, was " + offset
                        + " (the sentinels -1/-2 are never sent; use toLatest()/toEarliest())");
            }
        }

        @Override
        public String describe() {
            return "to offset " + offset;
        }
    }

    /** The first record whose timestamp is at or after {@code at}. */
    record ToDatetime(Instant at, String label) implements OffsetStrategy {
        @Override
        public String describe() {
            return "to datetime " + label;
        }
    }

    /** The first record at or after now minus {@code duration}, now read from the context's clock. */
    record ByDuration(Duration duration) implements OffsetStrategy {
        public ByDuration {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, was " + duration);
            }
        }

        @Override
        public String describe() {
            return "by duration " + duration;
        }
    }

    /** The committed offset plus {@code shift} (negative re-consumes). */
    record ShiftBy(long shift) implements OffsetStrategy {
        public ShiftBy {
            if (shift == 0) {
                throw new IllegalArgumentException("shift must not be 0");
            }
        }

        @Override
        public String describe() {
            return "shift by " + shift;
        }
    }

    /**
     * Explicit offsets, from an export or a previous plan's before-state; {@code forget} names partitions
     * whose committed offset is deleted (they had none before the reset being undone).
     */
    record FromOffsets(List<PartitionOffset> offsets, List<TopicPartition> forget, String source)
            implements OffsetStrategy {
        public FromOffsets {
            offsets = List.copyOf(offsets);
            forget = List.copyOf(forget);
            if (offsets.isEmpty() && forget.isEmpty()) {
                throw new IllegalArgumentException("no offsets given (" + source + " is empty)");
            }
        }

        FromOffsets(List<PartitionOffset> offsets, String source) {
            this(offsets, List.of(), source);
        }

        @Override
        public String describe() {
            return "from " + source;
        }
    }
}
