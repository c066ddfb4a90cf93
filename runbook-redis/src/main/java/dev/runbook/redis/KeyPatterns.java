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
