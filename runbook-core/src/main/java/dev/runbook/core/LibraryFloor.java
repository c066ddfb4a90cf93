package dev.runbook.core;

import java.util.Objects;

/**
 * The oldest version of a third-party library that the SDK works with, checked where the library is
 * first used, so that an older one on the class path (brought by another dependency) is refused with the
 * version found and the version needed, instead of a {@code NoSuchMethodError} deep in a run. The floors
 * are listed together in the README's "Use it from your service".
 *
 * <pre>{@code
 * LibraryFloor.SLF4J.require(LoggerFactory.class);   // slf4j-api 1.7.36 on the class path: refused
 * }</pre>
 *
 * @param library the library's Maven coordinates, such as {@code org.slf4j:slf4j-api}
 * @param minimum the oldest version that works, such as {@code 2.0.0}
 * @param because what of it the SDK uses, for the message
 * @param sentinel a class that exists from {@code minimum} on, checked when the version cannot be read
 */
public record LibraryFloor(String library, String minimum, String because, String sentinel) {

    /** slf4j-api: {@code Slf4jAuditSink} logs with the fluent API of 2.0 ({@code Logger.atInfo()}). */
    public static final LibraryFloor SLF4J =
            new LibraryFloor("org.slf4j:slf4j-api", "2.0.0", "Logger.atInfo()", "org.slf4j.spi.LoggingEventBuilder");

    public LibraryFloor {
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(minimum, "minimum");
        Objects.requireNonNull(because, "because");
        Objects.requireNonNull(sentinel, "sentinel");
    }

    /**
     * Refuses when the library that {@code anyClassOfIt} was loaded from is older than the floor: its
     * manifest's version if it has one, and whether {@link #sentinel()} exists.
     *
     * @throws RefusedException naming the version found, the version needed and what to do
     */
    public void require(Class<?> anyClassOfIt) {
        Package p = anyClassOfIt.getPackage();
        require(p == null ? null : p.getImplementationVersion(), anyClassOfIt.getClassLoader());
    }

    /**
     * Refuses when {@code found} (the library's own report of its version, null when unknown) is older
     * than the floor, or when {@link #sentinel()} cannot be loaded by {@code loader}.
     *
     * @throws RefusedException naming the version found, the version needed and what to do
     */
    public void require(String found, ClassLoader loader) {
        boolean present;
        try {
            Class.forName(sentinel, false, loader);
            present = true;
        } catch (ClassNotFoundException | LinkageError e) {
            present = false;
        }
        if (!present || (found != null && compare(found, minimum) < 0)) {
            throw refusal(found == null ? "(a version without " + sentinel + ")" : found);
        }
    }

    private RefusedException refusal(String found) {
        String artifact = library.substring(library.indexOf(':') + 1);
        return new RefusedException(artifact + " " + found + " is on the class path, but the Runbook SDK needs "
                + artifact + " " + minimum + " or newer (it uses " + because + "). Depend on " + library + " "
                + minimum + "+ in your pom (mvn dependency:tree -Dincludes=" + library
                + " shows who brings the old one); the versions the SDK is tested with are in the README's \"Use"
                + " it from your service\"");
    }

    /** Compares dotted versions numerically ({@code 3.7.1 < 4.0.0 < 4.10.0}); qualifiers are ignored. */
    static int compare(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? leadingNumber(x[i]) : 0;
            int q = i < y.length ? leadingNumber(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int leadingNumber(String s) {
        int n = 0;
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && i < 9) {
            n = n * 10 + (s.charAt(i) - '0');
            i++;
        }
        return n;
    }
}
