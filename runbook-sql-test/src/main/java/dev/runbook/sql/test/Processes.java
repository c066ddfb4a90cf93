package dev.runbook.sql.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Commands, ports, waits and binaries shared by the server starters. */
final class Processes {
    private Processes() {}

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A free loopback port. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command to its end (60 s at most) and returns its output; fails with the output if it fails. */
    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish in 60 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " exited with " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code cmd} as the {@code postgres} user when this JVM runs as root (PostgreSQL refuses root). */
    static List<String> asPostgres(String... cmd) {
        List<String> out = new ArrayList<>();
        if (isRoot()) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(cmd));
        return out;
    }

    /**
     * Where data directories go: {@code -Drunbook.sql.tmpdir}, else {@code /dev/shm} when it is a writable
     * directory (tmpfs: copying a 1,000-file PostgreSQL cluster takes 0.13 s there against 2.3 s on this
     * machine's ext4 /tmp, measured), else the system temp directory.
     */
    static Path baseDir() {
        String configured = System.getProperty("runbook.sql.tmpdir");
        if (configured != null) {
            return Path.of(configured);
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
    }

    /** A temporary directory under {@link #baseDir()} that the {@code postgres} user can use too. */
    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(baseDir(), prefix);
            dir.toFile().setReadable(true, false);
            dir.toFile().setExecutable(true, false);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void chownToPostgres(Path dir) {
        if (isRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp dir is harmless
        }
    }

    /** Sends a signal ({@code STOP}, {@code CONT}, {@code KILL}) to processes. */
    static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> cmd.add(String.valueOf(p)));
        run(cmd);
    }

    /**
     * Whether a process runs: not gone and not a zombie (a daemonised postmaster is reparented to an init
     * that may reap it late, and {@link ProcessHandle#isAlive()} counts zombies as alive).
     */
    static boolean isAlive(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** The process and all its descendants, parent first. */
    static List<Long> withDescendants(long pid) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            out.add(h.pid());
            h.descendants().forEach(d -> out.add(d.pid()));
        });
        return out;
    }

    /**
     * The path of an executable, from {@code dirs} then the PATH.
     *
     * @throws AssertionError naming the Debian package that provides it
     */
    static String binary(String name, String aptPackage, List<Path> dirs) {
        List<Path> candidates = new ArrayList<>();
        dirs.forEach(d -> candidates.add(d.resolve(name)));
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, name));
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " was not found (looked in " + dirs + ", the PATH and /usr/sbin); the SQL"
                + " integration tests start real servers: install them with 'apt-get install -y " + aptPackage
                + "' (Debian/Ubuntu) and run the build again");
    }

    /** Waits up to {@code seconds} for {@code ok}; exceptions from {@code ok} mean "not yet". */
    static void await(BooleanSupplier ok, int seconds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (ok.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(20);
        }
        throw new AssertionError(
                "timed out after " + seconds + " s waiting for " + what + (last == null ? "" : ": " + last), last);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String readOr(Path file, String otherwise) {
        try {
            String s = Files.readString(file);
            return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return otherwise;
        }
    }
}
