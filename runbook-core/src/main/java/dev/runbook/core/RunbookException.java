package dev.runbook.core;

/**
 * The root of every failure this library reports. Unchecked; its message names the thing that failed
 * and the way out.
 *
 * <pre>{@code
 * try { engine.apply(plan); } catch (RunbookException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public class RunbookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunbookException(String message) {
        super(message);
    }

    public RunbookException(String message, Throwable cause) {
        super(message, cause);
    }
}
