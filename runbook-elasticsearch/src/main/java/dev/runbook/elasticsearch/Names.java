package dev.runbook.elasticsearch;

import dev.runbook.core.RefusedException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Index names and patterns: what a user may ask for, what may be sent in a delete, and how names are
 * grouped into requests whose request line stays short.
 *
 * <p>Why so strict: Elasticsearch decodes the URL path before it splits it on commas and expands
 * wildcards, so a name holding {@code *}, {@code ,} or a leading {@code -} (even percent-encoded) would
 * be read as a pattern, a second name or an exclusion. Real index names can hold none of these; a name
 * that does is refused before anything is sent.
 */
final class Names {
    /** Elasticsearch's default {@code http.max_initial_line_length} is 4 KB; leave room for the rest. */
    static final int MAX_PATH_BYTES = 3_000;

    private static final String FORBIDDEN_IN_NAMES = "*?,\"<>| \\/#:%";

    private Names() {}

    /**
     * Checks a pattern a user gave: one expression, lower case, not everything.
     *
     * @throws RefusedException naming the problem and the way out
     */
    static void checkPattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new RefusedException("the index pattern is empty; name the indices, such as 'orders-2025-*'");
        }
        if (pattern.contains(",")) {
            throw new RefusedException("index pattern '" + pattern + "' holds a comma: give one pattern per"
                    + " action (a comma list can hide an exclusion or a second pattern in a review)");
        }
        if (pattern.startsWith("-") || pattern.startsWith("+")) {
            throw new RefusedException("index pattern '" + pattern + "' starts with '" + pattern.charAt(0)
                    + "': exclusions are not" + " accepted; exclude names with .protect(\"glob\") instead");
        }
        if (pattern.equals("_all") || pattern.replace("*", "").isEmpty()) {
            throw new RefusedException(
                    "index pattern '" + pattern + "' matches every index; name a prefix such as" + " 'orders-2025-*'");
        }
        if (!pattern.equals(pattern.toLowerCase(Locale.ROOT))) {
            throw new RefusedException("index pattern '" + pattern + "' has upper-case letters, which no index name"
                    + " can have; use '" + pattern.toLowerCase(Locale.ROOT) + "'");
        }
        for (char c : pattern.toCharArray()) {
            if (c != '*' && FORBIDDEN_IN_NAMES.indexOf(c) >= 0) {
                throw new RefusedException("index pattern '" + pattern + "' holds '" + c + "', which no index name"
                        + " can hold; only '*' is a wildcard in index patterns");
            }
        }
    }

    /** Whether {@code name} is a concrete index name that is safe to send in a delete. */
    static boolean isConcrete(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
            return false;
        }
        char first = name.charAt(0);
        if (first == '-' || first == '_' || first == '+') {
            return false;
        }
        for (char c : name.toCharArray()) {
            if (FORBIDDEN_IN_NAMES.indexOf(c) >= 0 || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a name that is not concrete before any request is made.
     *
     * @throws RefusedException naming the index
     */
    static void requireConcrete(String name) {
        if (!isConcrete(name)) {
            throw new RefusedException("refusing to send index name '" + name + "' in a delete: it is not a plain"
                    + " index name (a wildcard, comma, leading '-' or '_' would be read as a pattern); nothing"
                    + " was deleted");
        }
    }

    /**
     * Refuses a missing or malformed index or alias name.
     *
     * @throws RefusedException naming {@code what} and the name
     */
    static void requireName(String name, String what) {
        if (!isConcrete(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new RefusedException("'" + name + "' is not a valid " + what + " name: give one lower-case name"
                    + " without wildcards, commas or a leading '-', '_' or '+'");
        }
    }

    /** How many bytes {@code name} takes in a URL path, percent-encoded. */
    static int pathBytes(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).length();
    }

    /**
     * Groups names, in order, into lists whose path ({@code name%2Cname...}) fits in {@code maxBytes}.
     *
     * @throws RefusedException if one name alone is longer than {@code maxBytes}
     */
    static List<List<String>> chunks(List<String> names, int maxBytes) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int bytes = 0;
        for (String n : names) {
            int b = pathBytes(n);
            if (b > maxBytes) {
                throw new RefusedException("index name '" + n + "' is " + b + " bytes in a URL, more than " + maxBytes);
            }
            int add = current.isEmpty() ? b : b + 3; // %2C between names
            if (bytes + add > maxBytes) {
                out.add(current);
                current = new ArrayList<>();
                add = b;
                bytes = 0;
            }
            current.add(n);
            bytes += add;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
