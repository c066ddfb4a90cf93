package dev.runbook.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of one read-only query ({@link SqlQuery}) as the servers would split it: a statement separator
 * hidden after a comment, a quote or a backslash must not slip a second statement past the check, since
 * the PostgreSQL driver runs every statement of a text it is given, {@code COMMIT} and writes included.
 *
 * <p>The text is read under each lexical reading it may have on a server (PostgreSQL: nested {@code /* *}{@code
 * /}, {@code --}, dollar quotes, {@code E''} strings, backslashes literal or not; MariaDB/MySQL: {@code #},
 * {@code -- }, backslash escapes or {@code NO_BACKSLASH_ESCAPES}, backticks, executable {@code /*!} comments
 * as code). It is accepted only when every reading agrees that it is one statement (a final {@code ;} and
 * comments after it are dropped), that it starts with a reading keyword, and that it calls none of the
 * functions that act outside the transaction (ending sessions, reloading configuration, session locks,
 * files), which a READ ONLY transaction does not stop.
 */
final class StatementText {
    private static final Set<String> READING_KEYWORDS =
            Set.of("select", "with", "values", "table", "show", "explain", "describe", "desc");
    private static final Pattern FIRST_WORD = Pattern.compile("^[\\s(]*([A-Za-z]+)");
    /** Functions whose effect outlives the rolled-back transaction, or reaches outside the database. */
    private static final Pattern OUTSIDE_EFFECTS = Pattern.compile("(?i)(?<![\\w$])("
            + "pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_switch_wal"
            + "|pg_create_restore_point|pg_wal_replay_pause|pg_wal_replay_resume|pg_advisory_lock"
            + "|pg_advisory_lock_shared|pg_try_advisory_lock|pg_try_advisory_lock_shared|pg_advisory_unlock\\w*"
            + "|pg_create_physical_replication_slot|pg_create_logical_replication_slot|pg_drop_replication_slot"
            + "|pg_replication_slot_advance|pg_logical_slot_get_\\w+|pg_backup_start|pg_backup_stop"
            + "|pg_start_backup|pg_stop_backup|pg_stat_reset\\w*|pg_file_write|pg_file_rename|pg_file_unlink"
            + "|lo_import|lo_export|dblink\\w*"
            + "|get_lock|release_lock|release_all_locks"
            + ")\\s*\\(");

    private static final Pattern INTO_FILE = Pattern.compile("(?i)\\binto\\s+(outfile|dumpfile)\\b");

    private StatementText() {}

    /** The readings tried: {PostgreSQL?, backslash escapes in plain strings?}. */
    private static final List<boolean[]> READINGS = List.of(
            new boolean[] {true, false}, new boolean[] {true, true}, new boolean[] {false, true}, new boolean[] {
                false, false
            });

    /**
     * The statement without a final {@code ;} and the comments after it.
     *
     * @throws IllegalArgumentException when it is blank, holds a second statement under any reading, starts
     *     with a word that does not read (SET, COPY, CALL, DO, KILL...), or calls a function with effects
     *     outside the transaction
     */
    static String check(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("the query is missing, such as \"SELECT COUNT(*) FROM t WHERE d = ?\"");
        }
        String s = sql.strip();
        String[] masks = new String[READINGS.size()];
        int cut = s.length();
        for (int r = 0; r < masks.length; r++) {
            masks[r] = mask(s, READINGS.get(r)[0], READINGS.get(r)[1]);
            int semi = masks[r].indexOf(';');
            if (semi >= 0) {
                cut = Math.min(cut, semi);
            }
        }
        for (String m : masks) {
            for (int i = cut; i < m.length(); i++) {
                char ch = m.charAt(i);
                if (ch != ';' && !Character.isWhitespace(ch)) {
                    throw new IllegalArgumentException("give one statement, not several (';' at " + cut + " in '"
                            + s + "', read as it would be with comments, quotes and backslashes): a second"
                            + " statement could end the read-only transaction; bind text holding ';' as a"
                            + " value (?)");
                }
            }
        }
        for (String m : masks) {
            String head = m.substring(0, cut);
            Matcher first = FIRST_WORD.matcher(head);
            String word = first.find() ? first.group(1).toLowerCase(Locale.ROOT) : "";
            if (!READING_KEYWORDS.contains(word)) {
                throw new IllegalArgumentException("the query starts with '"
                        + (word.isEmpty() ? head.strip() : word.toUpperCase(Locale.ROOT)) + "', not with SELECT,"
                        + " WITH, VALUES, TABLE, SHOW or EXPLAIN: SqlActions.query only reads; make a change with"
                        + " an action");
            }
            Matcher call = OUTSIDE_EFFECTS.matcher(head);
            if (call.find()) {
                throw new IllegalArgumentException("the query calls " + call.group(1) + "(...), whose effect a"
                        + " READ ONLY transaction neither stops nor rolls back (sessions, configuration, session"
                        + " locks, files): SqlActions.query only reads; use an action such as terminateSessions()");
            }
            Matcher into = INTO_FILE.matcher(head);
            if (into.find()) {
                throw new IllegalArgumentException("the query writes a file on the server (INTO "
                        + into.group(1).toUpperCase(Locale.ROOT) + "): SqlActions.query only reads and returns rows");
            }
        }
        return s.substring(0, cut).stripTrailing();
    }

    /**
     * {@code s} with comments as blanks, string literals as {@code x}, quoted identifiers as their letters
     * (so that {@code "pg_terminate_backend"(...)} still shows), and code as it is; same length as {@code s}.
     */
    static String mask(String s, boolean postgres, boolean backslashes) {
        StringBuilder out = new StringBuilder(s);
        int n = s.length();
        int i = 0;
        while (i < n) {
            char ch = s.charAt(i);
            char next = i + 1 < n ? s.charAt(i + 1) : 0;
            int end;
            if (ch == '-' && next == '-' && (postgres || i + 2 >= n || s.charAt(i + 2) <= ' ')) {
                end = s.indexOf('\n', i);
                end = end < 0 ? n : end;
                fill(out, i, end, ' ');
            } else if (ch == '#' && !postgres) {
                end = s.indexOf('\n', i);
                end = end < 0 ? n : end;
                fill(out, i, end, ' ');
            } else if (ch == '/' && next == '*' && (postgres || i + 2 >= n || s.charAt(i + 2) != '!')) {
                end = blockCommentEnd(s, i, postgres);
                fill(out, i, end, ' ');
            } else if (ch == '\'') {
                boolean escapes = backslashes
                        || (postgres
                                && i > 0
                                && (s.charAt(i - 1) | 0x20) == 'e'
                                && (i < 2 || !isWordChar(s.charAt(i - 2))));
                end = quoteEnd(s, i, '\'', escapes);
                fill(out, i, end, 'x');
            } else if (ch == '"' && !postgres) {
                end = quoteEnd(s, i, '"', backslashes);
                fill(out, i, end, 'x');
            } else if (ch == '"' || (ch == '`' && !postgres)) {
                end = quoteEnd(s, i, ch, false);
                for (int k = i; k < end; k++) {
                    char c = s.charAt(k);
                    out.setCharAt(k, k == i || (k == end - 1 && c == ch) ? ' ' : isWordChar(c) ? c : '_');
                }
            } else if (ch == '$' && postgres && (i == 0 || !isWordChar(s.charAt(i - 1)))) {
                int tagEnd = dollarTagEnd(s, i);
                if (tagEnd < 0) {
                    i++;
                    continue;
                }
                String tag = s.substring(i, tagEnd + 1);
                int close = s.indexOf(tag, tagEnd + 1);
                end = close < 0 ? n : close + tag.length();
                fill(out, i, end, 'x');
            } else {
                i++;
                continue;
            }
            i = Math.max(end, i + 1);
        }
        return out.toString();
    }

    private static int blockCommentEnd(String s, int start, boolean nested) {
        int depth = 0;
        int i = start;
        while (i < s.length() - 1) {
            if (s.charAt(i) == '/' && s.charAt(i + 1) == '*' && (nested || depth == 0)) {
                depth++;
                i += 2;
            } else if (s.charAt(i) == '*' && s.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** The index after the closing quote (a doubled quote stays inside), or the end. */
    private static int quoteEnd(String s, int start, char quote, boolean backslashes) {
        int i = start + 1;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (backslashes && ch == '\\') {
                i += 2;
            } else if (ch == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** The index of the second {@code $} of a dollar-quote tag ({@code $$}, {@code $body$}), or -1. */
    private static int dollarTagEnd(String s, int start) {
        int i = start + 1;
        if (i < s.length() && s.charAt(i) == '$') {
            return i;
        }
        if (i >= s.length() || !(Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
            return -1;
        }
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '$' ? i : -1;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static void fill(StringBuilder out, int from, int to, char c) {
        for (int k = from; k < to; k++) {
            if (out.charAt(k) != '\n') {
                out.setCharAt(k, c);
            }
        }
    }
}
