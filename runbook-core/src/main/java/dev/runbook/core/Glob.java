package dev.runbook.core;

import java.util.regex.Pattern;

/**
 * Name patterns as people write them in runbooks and guards: {@code *} matches any run of characters,
 * {@code ?} one character, everything else itself. The same rules for protected names, key patterns and
 * topic filters everywhere in the library.
 *
 * <pre>{@code
 * Glob.compile("session:*").matcher("session:42").matches(); // true
 * }</pre>
 */
public final class Glob {
    private Glob() {}

    /**
     * The regular expression that matches exactly the names {@code glob} matches.
     *
     * @throws NullPointerException if glob is null
     */
    public static Pattern compile(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }

    /** Whether {@code name} matches {@code glob}. */
    public static boolean matches(String glob, String name) {
        return compile(glob).matcher(name).matches();
    }
}
