package dev.runbook.k8s;

import java.util.List;
import java.util.Map;

/**
 * What a {@link PodLogs} read found: per pattern, how many lines matched; the matching lines themselves
 * (bounded, secrets redacted), which a check step prints into its result and so into the audit, for the
 * post-mortem.
 *
 * <pre>{@code
 * LogMatches m = k8s.podLogs("smp-prod", "app=dispatch-engine").count("OutOfMemoryError").read();
 * m.count("OutOfMemoryError");   // 3
 * m.lines();                     // ["dispatch-engine-7c9-x2x: java.lang.OutOfMemoryError: Java heap space", ...]
 * }</pre>
 *
 * @param source the pods read and how ({@code smp-asia/smp-prod/pods app=x, container app, previous, tail 500})
 * @param pods the pods read, by name
 * @param linesRead the lines read over all pods
 * @param counts per pattern, the lines that matched it, in the order the patterns were given
 * @param lines the matching lines, each {@code pod: line}, redacted and cut to 300 characters, at most the
 *     probe's {@code maxLines}
 * @param moreLines matching lines left out of {@code lines}
 * @param notes pods whose log could not be read, with the reason (such as no previous container)
 */
public record LogMatches(
        String source,
        List<String> pods,
        int linesRead,
        Map<String, Integer> counts,
        List<String> lines,
        int moreLines,
        List<String> notes) {
    public LogMatches {
        pods = List.copyOf(pods);
        counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
        lines = List.copyOf(lines);
        notes = List.copyOf(notes);
    }

    /**
     * How many lines matched {@code pattern}.
     *
     * @throws IllegalArgumentException if the probe did not count that pattern
     */
    public int count(String pattern) {
        Integer n = counts.get(pattern);
        if (n == null) {
            throw new IllegalArgumentException("'" + pattern + "' was not counted (counted: " + counts.keySet()
                    + "); add it to the probe with .count(\"" + pattern + "\")");
        }
        return n;
    }

    /** Lines that matched any pattern. */
    public int total() {
        return lines.size() + moreLines;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        counts.forEach((p, n) ->
                b.append(b.length() == 0 ? "" : ", ").append(p).append(": ").append(n));
        b.append(" in ")
                .append(linesRead)
                .append(" lines of ")
                .append(pods.size())
                .append(pods.size() == 1 ? " pod" : " pods");
        b.append(" (").append(source).append(")");
        lines.forEach(l -> b.append("\n  ").append(l));
        if (moreLines > 0) {
            b.append("\n  ... ").append(moreLines).append(" more matching lines");
        }
        notes.forEach(n -> b.append("\n  ").append(n));
        return b.toString();
    }
}
