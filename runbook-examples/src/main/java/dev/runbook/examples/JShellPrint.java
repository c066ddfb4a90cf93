package dev.runbook.examples;

/**
 * The printing shortcuts of {@code ./jshell-runbook}'s startup ({@code import static
 * dev.runbook.examples.JShellPrint.*;}): {@code println(plan)} prints a whole plan table. They replace JShell's
 * PRINTING startup (30 methods compiled into each session); one static import starts about 0.35 s sooner than
 * compiling even three such methods. Not an API for code.
 */
public final class JShellPrint {
    private JShellPrint() {}

    /** {@code System.out.println(o)}. */
    public static void println(Object o) {
        System.out.println(o);
    }

    /** An empty line. */
    public static void println() {
        System.out.println();
    }

    /** {@code System.out.print(o)}. */
    public static void print(Object o) {
        System.out.print(o);
    }

    /** {@code System.out.printf(format, args)}. */
    public static void printf(String format, Object... args) {
        System.out.printf(format, args);
    }
}
