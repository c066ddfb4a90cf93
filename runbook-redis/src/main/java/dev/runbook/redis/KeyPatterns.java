package dev.runbook.redis;

import dev.runbook.core.Glob;
import dev.runbook.core.RefusedException;
import java.util.List;
import java.util.regex.Pattern;

/** Glob helpers: Redis MATCH patterns' literal prefix, and protected-name globs. */
final class KeyPatterns {
    private KeyPatterns() {}

    /** The characters before the first glob metacharacter ({@code * ? [ \}). */
    static String literalPrefix(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    /**
     * Refuses a pattern that is empty, matches every key, or has a literal prefix shorter than {@code
     * minPrefix} (unless {@code allowShort}).
     *
     * @throws RefusedException naming the pattern and the way out
     */
    static void checkDeletePattern(String pattern, int minPrefix, boolean allowShort) {
        if (pattern == null || pattern.isBlank()) {
            throw new RefusedException(
                    "an empty pattern names no keys; give a pattern with a prefix such as" + " 'cache:wms:stock:*'");
        }
        String prefix = literalPrefix(pattern);
        if (prefix.isEmpty() && pattern.chars().allMatch(c -> c == '*')) {
            throw new RefusedException("pattern '" + pattern + "' matches every key; name a prefix such as"
                    + " 'cache:wms:*' (to empty a database on purpose, use FLUSHDB by hand, not this action)");
        }
        if (prefix.length() < minPrefix && !allowShort) {
            throw new RefusedException("pattern '" + pattern + "' has the literal prefix '" + prefix + "' ("
                    + prefix.length() + " characters), shorter than the minimum of " + minPrefix
                    + "; name a longer prefix, or accept the risk with .allowShortPrefix()");
        }
    }

    /**
     * Warnings for a delete pattern that plans but likely does not say what was meant: no wildcard (it
     * names one key), or a regular expression where SCAN MATCH takes a glob.
     */
    static List<String> deletePatternWarnings(String pattern) {
        List<String> out = new java.util.ArrayList<>();
        if (looksLikeRegex(pattern)) {
            out.add("pattern '" + pattern + "' looks like a regular expression, but SCAN MATCH takes a glob ('*' is"
                    + " any text, '.' is a dot): did you mean '" + asGlob(pattern) + "'?");
        } else if (literalPrefix(pattern).equals(pattern)) {
            out.add("pattern '" + pattern + "' has no wildcard, so it matches only the key '" + pattern
                    + "' itself: did you mean '" + pattern + "*'?");
        }
        return out;
    }

    /**
     * Warnings for protect globs that probably miss what they were meant to protect: a glob with no
     * wildcard or that looks like a regular expression, when keys about to be deleted ({@code toDelete},
     * a sample) start with its literal text.
     */
    static List<String> protectWarnings(List<String> protect, List<String> toDelete) {
        List<String> out = new java.util.ArrayList<>();
        for (String glob : protect) {
            boolean regex = looksLikeRegex(glob);
            String prefix = regex ? literalPrefix(asGlob(glob)) : literalPrefix(glob);
            if (!regex && !prefix.equals(glob)) {
                continue; // a glob with a wildcard: it protects what it says
            }
            List<String> hit = toDelete.stream()
                    .filter(k -> !prefix.isEmpty() && k.startsWith(prefix))
                    .limit(3)
                    .toList();
            if (!hit.isEmpty()) {
                out.add("protect pattern '" + glob + "' "
                        + (regex ? "looks like a regular expression" : "has no wildcard")
                        + " and protects none of the keys to delete, yet keys to delete start with '" + prefix
                        + "' (e.g. " + hit + "): did you mean '" + (regex ? asGlob(glob) : glob + "*") + "'?");
            }
        }
        return out;
    }

    /** Whether a glob has regular-expression syntax: {@code .*}, {@code .+}, {@code ^}, {@code $}, {@code \d}. */
    static boolean looksLikeRegex(String pattern) {
        return pattern.contains(".*")
                || pattern.contains(".+")
                || pattern.startsWith("^")
                || pattern.endsWith("$")
                || pattern.contains("\\d")
                || pattern.contains("\\w");
    }

    private static String asGlob(String regex) {
        return regex.replace(".*", "*")
                .replace(".+", "*")
                .replaceAll("^\\^", "")
                .replaceAll("\\$$", "");
    }

    /** Compiles {@code session:*}-style globs ({@code *} and {@code ?}). */
    static List<Pattern> compile(List<String> globs) {
        return globs.stream().map(Glob::compile).toList();
    }

    static boolean matchesAny(List<Pattern> patterns, String key) {
        for (Pattern p : patterns) {
            if (p.matcher(key).matches()) {
                return true;
            }
        }
        return false;
    }
}
