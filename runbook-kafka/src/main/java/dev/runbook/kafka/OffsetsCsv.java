package dev.runbook.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
     * blank lines, lines starting with {@code #} and a leading byte order mark (a file saved by a
     * spreadsheet or an editor on Windows) are ignored.
     *
     * @throws IllegalArgumentException naming the line that is not {@code topic,partition,offset}, a
     *     partition given twice with different offsets, or four-column rows none of which is {@code group}'s
     */
    public static List<PartitionOffset> parse(String csv, String group) {
        List<PartitionOffset> out = new ArrayList<>();
        Map<String, Integer> indexOf = new HashMap<>(); // topic-partition -> its row in out
        List<Integer> lineNumbers = new ArrayList<>(); // the line of each row in out
        Set<String> otherGroups = new TreeSet<>();
        String[] lines = (csv.startsWith("\uFEFF") ? csv.substring(1) : csv).split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            PartitionOffset row = null;
            try {
                if (f.length == 3) {
                    row = row(f[0], f[1], f[2]);
                } else if (f.length == 4) {
                    if (f[0].strip().equals(group)) {
                        row = row(f[1], f[2], f[3]);
                    } else {
                        otherGroups.add(f[0].strip());
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
            if (row != null) {
                Integer earlier = indexOf.putIfAbsent(row.topic() + "-" + row.partition(), out.size());
                if (earlier == null) {
                    out.add(row);
                    lineNumbers.add(i);
                } else if (!out.get(earlier).equals(row)) {
                    int first = lineNumbers.get(earlier);
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "line %d '%s' gives %s-%d a second offset (line %d '%s'); keep one line per" + " partition",
                            i + 1,
                            line,
                            row.topic(),
                            row.partition(),
                            first + 1,
                            lines[first].strip()));
                }
            }
        }
        if (out.isEmpty() && !otherGroups.isEmpty()) {
            throw new IllegalArgumentException("no row is for group '" + group + "': the group,topic,partition,offset"
                    + " rows are for " + otherGroups + "; check the group name, or export this group's offsets");
        }
        return out;
    }

    private static PartitionOffset row(String topic, String partition, String offset) {
        return new PartitionOffset(topic.strip(), Integer.parseInt(partition.strip()), Long.parseLong(offset.strip()));
    }
}
