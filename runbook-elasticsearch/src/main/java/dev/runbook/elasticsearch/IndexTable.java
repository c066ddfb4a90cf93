package dev.runbook.elasticsearch;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders indices as the text table that listings and dry runs print, one index per line. */
final class IndexTable {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int MAX_ROWS = 200;

    private IndexTable() {}

    /** One line: an index, and why it is excluded ({@code null} if it is not). */
    record Row(IndexInfo index, String excluded) {}

    static String render(List<Row> rows, String title) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"index", "health", "status", "docs", "size", "created (UTC)", "aliases", "excluded"});
        for (Row r : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
            IndexInfo i = r.index();
            List<String> aliases = new ArrayList<>();
            for (String a : i.aliases()) {
                aliases.add(i.writeIndexOf().contains(a) ? a + " (write)" : a);
            }
            cells.add(new String[] {
                i.name(),
                String.valueOf(i.health()),
                i.status(),
                i.docs() == null ? "-" : String.format(Locale.ROOT, "%,d", i.docs()),
                i.bytes() == null ? "-" : bytes(i.bytes()),
                i.created() == null ? "-" : DATE.format(i.created()),
                String.join(",", aliases),
                r.excluded() == null ? "" : r.excluded()
            });
        }
        StringBuilder sb = new StringBuilder(title).append('\n');
        int[] widths = new int[cells.get(0).length];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < row.length; c++) {
                line.append(row[c]);
                if (c < row.length - 1) {
                    line.append(" ".repeat(widths[c] - row[c].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        if (rows.size() > MAX_ROWS) {
            sb.append("  ... ").append(rows.size() - MAX_ROWS).append(" more\n");
        }
        return sb.toString();
    }

    /** 1536 as {@code 1.5 KB}. */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
