package dev.runbook.core;

import java.util.List;

/** Renders rows as a left-aligned text table for {@link Plan#toString()} and {@link Report#toString()}. */
final class Table {
    private Table() {}

    /**
     * Appends {@code rows}, each indented by two spaces, with every column but the last padded to its
     * widest cell. Line breaks inside a cell become {@code " / "}, so that a row stays one line.
     */
    static void append(StringBuilder sb, List<String[]> rows) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < row.length - 1; c++) {
                widths[c] = Math.max(widths[c], cell(row[c]).length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < row.length; c++) {
                String cell = cell(row[c]);
                line.append(cell);
                if (c < row.length - 1) {
                    line.append(" ".repeat(widths[c] - cell.length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("\r\n", " / ").replace('\r', ' ').replace("\n", " / ");
    }
}
