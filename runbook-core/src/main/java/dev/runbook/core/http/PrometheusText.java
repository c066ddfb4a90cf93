package dev.runbook.core.http;

import dev.runbook.core.RunbookException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A reader of the Prometheus text exposition format (version 0.0.4, what {@code /metrics} endpoints serve):
 * {@code name{label="value",...} value [timestamp]} per line; {@code #} lines ({@code HELP}, {@code TYPE},
 * OpenMetrics' {@code # EOF}) and blank lines skipped; label values with {@code \\}, {@code \"} and {@code
 * \n} escapes; {@code NaN}, {@code +Inf}, {@code -Inf}; an optional timestamp in milliseconds; an
 * OpenMetrics exemplar ({@code # {...} 1}) after the value ignored. A line it cannot read is an error naming
 * the line, never skipped.
 */
final class PrometheusText {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");

    /**
     * One series' sample.
     *
     * @param name the metric name
     * @param labels its labels, in the order written
     * @param value its value ({@code NaN} and infinities included)
     * @param timestampMillis the sample's timestamp, or null
     */
    record Sample(String name, Map<String, String> labels, double value, Long timestampMillis) {
        Sample {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        /** The series as written in PromQL: {@code name{a="b"}}. */
        String series() {
            if (labels.isEmpty()) {
                return name;
            }
            StringBuilder b = new StringBuilder(name).append('{');
            labels.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ",")
                    .append(k)
                    .append("=\"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"'));
            return b.append('}').toString();
        }
    }

    private final String text;
    private final int lineNo;
    private int pos;

    private PrometheusText(String text, int lineNo) {
        this.text = text;
        this.lineNo = lineNo;
    }

    /**
     * Every sample of {@code body}, in order.
     *
     * @throws RunbookException naming the first line that is not in the format
     */
    static List<Sample> parse(String body) {
        List<Sample> out = new ArrayList<>();
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            out.add(new PrometheusText(line, i + 1).sample());
        }
        return out;
    }

    private Sample sample() {
        blanks();
        String name = name(true, "a metric name");
        int gap = blanks();
        Map<String, String> labels = new LinkedHashMap<>();
        if (peek() == '{') {
            pos++;
            labels(labels);
            gap = blanks();
        }
        if (gap == 0 && pos < text.length() && text.charAt(pos - 1) != '}') {
            throw error("expected a space before the value");
        }
        double value = value(token());
        Long timestamp = null;
        if (blanks() > 0 && pos < text.length() && peek() != '#') {
            String ts = token();
            if (!TIMESTAMP.matcher(ts).matches()) {
                throw error("'" + ts + "' is not a timestamp (milliseconds since the epoch)");
            }
            try {
                timestamp = Long.parseLong(ts);
            } catch (NumberFormatException e) {
                throw error("timestamp '" + ts + "' is out of range");
            }
            blanks();
        }
        if (pos < text.length() && peek() != '#') {
            throw error("unexpected '" + text.substring(pos) + "' after the value");
        }
        return new Sample(name, labels, value, timestamp);
    }

    private void labels(Map<String, String> labels) {
        while (true) {
            blanks();
            if (peek() == '}') {
                pos++;
                return;
            }
            String label = name(false, "a label name or '}'");
            blanks();
            expect('=');
            blanks();
            expect('"');
            String value = quoted();
            if (labels.put(label, value) != null) {
                throw error("label '" + label + "' appears twice");
            }
            blanks();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw error("expected ',' or '}' after label " + label);
            }
        }
    }

    private String quoted() {
        StringBuilder b = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = pos < text.length() ? text.charAt(pos++) : 0;
            switch (e) {
                case '\\' -> b.append('\\');
                case '"' -> b.append('"');
                case 'n' -> b.append('\n');
                default ->
                    throw error("unknown escape '\\" + (e == 0 ? "" : String.valueOf(e))
                            + "' in a label value (only \\\\, \\\" and \\n are allowed)");
            }
        }
        throw error("a label value is not closed with '\"'");
    }

    private double value(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "nan" -> Double.NaN;
            case "+inf", "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!NUMBER.matcher(s).matches()) {
                    throw error("'" + s + "' is not a value (a number, NaN, +Inf or -Inf)");
                }
                yield Double.parseDouble(s);
            }
        };
    }

    private String name(boolean metric, String what) {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            boolean ok = c == '_'
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (metric && c == ':')
                    || (pos > start && c >= '0' && c <= '9');
            if (!ok) {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw error("expected " + what);
        }
        return text.substring(start, pos);
    }

    private String token() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != ' ' && text.charAt(pos) != '\t') {
            pos++;
        }
        if (pos == start) {
            throw error("expected a value");
        }
        return text.substring(start, pos);
    }

    private int blanks() {
        int n = 0;
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
            n++;
        }
        return n;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private RunbookException error(String why) {
        return new RunbookException("line " + lineNo + " is not in the Prometheus text format (" + why + " at column "
                + (pos + 1) + "): " + HttpSupport.snippet(text, 200));
    }
}
