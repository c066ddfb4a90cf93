package dev.runbook.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes the {@code kafka-consumer-groups --reset-offsets --export} CSV: {@code
 * topic,partition,offset} for one group, {@code group,topic,partition,offset} for several.
 *
 * <pre>{@code
 * String csv = OffsetsCsv.format(List.of(new PartitionOffset("orders", 0, 42)));   // "orders,0,42\n"
 * List<PartitionOffset> rows = OffsetsCsv.parse(csv, "billing");
 * }</pre>
 */
public final class OffsetsCsv {

    private OffsetsCsv() {}

    /** One group's offsets as {@code topic,partition,offset} lines, ordered by topic and partition. */
    public static String format(Collection<PartitionOffset> rows) {
        StringBuilder out = new StringBuilder();
        rows.stream().sorted(PartitionOffset.ORDER).forEach(r -> out.append(r.topic())
                .append(',')
                .append(r.partition())
                .append(',')
                .append(r.offset())
                .append('\n'));
        return out.toString();
    }

    /**
     * Parses either format. Lines of the four-column format that belong to another group are skipped;
     * blank lines and lines starting with {@code #} are ignored.
     *
     * @throws IllegalArgumentException naming the line that is not {@code topic,partition,offset}
     */
    public static List<PartitionOffset> parse(String csv, String group) {
        List<PartitionOffset> out = new ArrayList<>();
        String[] lines = csv.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                if (f.length == 3) {
                    out.add(row(f[0], f[1], f[2]));
                } else if (f.length == 4) {
                    if (f[0].strip().equals(group)) {
                        out.add(row(f[1], f[2], f[3]));
                    }
                } else {
                    throw new IllegalArgumentException("expected 3 or 4 fields");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "line %d '%s' is not topic,partition,offset or group,topic,partition,offset: %s",
                                i + 1,
                                line,
                                e.getMessage()),
                        e);
            }
        }
        return out;
    }

    private static PartitionOffset row(String topic, String partition, String offset) {
        return new PartitionOffset(topic.strip(), Integer.parseInt(partition.strip()), Long.parseLong(offset.strip()));
    }
}
