package dev.runbook.core.registry;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The type of a runbook parameter, and how a value given as text (a command-line {@code --param k=v})
 * becomes a typed value.
 *
 * <pre>{@code
 * ParameterType.DURATION.parse("2m");   // Duration.ofMinutes(2)
 * ParameterType.DECIMAL.parse("0.9");   // 0.9 (a Double)
 * }</pre>
 */
public enum ParameterType {
    /** Any text. */
    STRING,
    /** A whole number (a {@link Long}), such as {@code 100000}. */
    INTEGER,
    /** A number (a {@link Double}), such as {@code 0.9}. */
    DECIMAL,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A {@link Duration}: {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d}, {@code 500ms} or ISO-8601 {@code PT2M}. */
    DURATION;

    /**
     * The typed value of {@code text}.
     *
     * @throws IllegalArgumentException saying what was expected, if {@code text} is not of this type
     */
    public Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no value given; expected " + expected());
        }
        String t = text.trim();
        try {
            switch (this) {
                case STRING:
                    return text;
                case INTEGER:
                    return Long.parseLong(t.replace("_", ""));
                case DECIMAL:
                    double d = Double.parseDouble(t);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException(t);
                    }
                    return d;
                case BOOLEAN:
                    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(t);
                    }
                    throw new IllegalArgumentException("'" + text + "' is not " + expected());
                default:
                    return duration(t);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + expected(), e);
        }
    }

    /** What a value of this type looks like, for messages and listings. */
    public String expected() {
        switch (this) {
            case STRING:
                return "text";
            case INTEGER:
                return "a whole number such as 100000";
            case DECIMAL:
                return "a number such as 0.9";
            case BOOLEAN:
                return "true or false";
            default:
                return "a duration such as 30s, 2m, 1h, 1d, 500ms or PT2M";
        }
    }

    /** The lower-case name, as listings show it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static Duration duration(String t) {
        String s = t.toLowerCase(Locale.ROOT);
        if (s.startsWith("pt") || s.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i == s.length()) {
            throw new NumberFormatException(t);
        }
        long n = Long.parseLong(s.substring(0, i));
        switch (s.substring(i)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                throw new NumberFormatException(t);
        }
    }
}
