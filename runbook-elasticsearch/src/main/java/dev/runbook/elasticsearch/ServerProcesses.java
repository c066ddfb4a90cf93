package dev.runbook.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The operating-system side of {@link ElasticsearchServer}: users, ports, files, the process tree. */
final class ServerProcesses {
    private ServerProcesses() {}

    static boolean isRoot() {
        return "0".equals(run(List.of("id", "-u")).trim());
    }

    /** Creates the system user if it is missing (racing JVMs: the loser finds the user made). */
    static String ensureSystemUser(String user) {
        if (userExists(user)) {
            return user;
        }
        List<String> cmd = List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        String out = runAllowingFailure(cmd);
        if (!userExists(user)) {
            throw new IllegalStateException("Elasticsearch refuses to run as root, and the system user '" + user
                    + "' could not be created (" + String.join(" ", cmd) + ": " + out.trim()
                    + "); create it once with that command, or run the build as a non-root user");
        }
        return user;
    }

    private static boolean userExists(String user) {
        try {
            Process p = new ProcessBuilder("id", "-u", user)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int[] freePorts(int n) {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            for (ServerSocket s : held) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
        return ports;
    }

    /** Lays out config, data, logs and tmp under {@code dir} and starts {@code bin/elasticsearch}. */
    static Process launch(Path dist, Path dir, Path data, Map<String, String> yml, String heap, String runAs) {
        try {
            Path conf = dir.resolve("config");
            copyTree(dist.resolve("config"), conf);
            StringBuilder b = new StringBuilder();
            yml.forEach((k, v) ->
                    b.append(k).append(": \"").append(v.replace("\"", "\\\"")).append("\"\n"));
            Files.writeString(conf.resolve("elasticsearch.yml"), b.toString(), StandardCharsets.UTF_8);
            for (String d : List.of("logs", "tmp")) {
                Files.createDirectories(dir.resolve(d));
            }
            Files.createDirectories(data);
            Path home = dist;
            if (runAs != null) {
                run(List.of("chown", "-R", runAs + ":", dir.toString(), data.toString()));
                if (!canRead(runAs, dist)) {
                    // the distribution lies under a folder the user cannot enter (such as /root): copy it
                    home = dir.resolve("dist");
                    copyTree(dist, home);
                    run(List.of("chown", "-R", runAs + ":", home.toString()));
                }
            }
            List<String> cmd = new ArrayList<>();
            if (runAs != null) {
                cmd.addAll(List.of("runuser", "-u", runAs, "--"));
            }
            cmd.add("env");
            cmd.add("ES_JAVA_HOME=" + System.getProperty("java.home"));
            cmd.add("ES_PATH_CONF=" + conf);
            cmd.add("ES_JAVA_OPTS=-Xms" + heap + " -Xmx" + heap);
            cmd.add("ES_TMPDIR=" + dir.resolve("tmp"));
            cmd.add("CLI_JAVA_OPTS=-Djava.io.tmpdir=" + dir.resolve("tmp"));
            cmd.add("/bin/bash");
            cmd.add(home.resolve("bin/elasticsearch").toString());
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("console.log").toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("_JAVA_OPTIONS");
            pb.environment().remove("JAVA_OPTS");
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Elasticsearch from " + dist + " in " + dir, e);
        }
    }

    private static boolean canRead(String user, Path dist) {
        try {
            Process p = new ProcessBuilder(
                            "runuser",
                            "-u",
                            user,
                            "--",
                            "test",
                            "-r",
                            dist.resolve("bin/elasticsearch").toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM to the whole tree (runuser, the CLI launcher, the node), then SIGKILL after {@code grace}. */
    static void destroy(Process root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.toHandle().descendants().forEach(tree::add);
        tree.add(root.toHandle());
        for (ProcessHandle h : tree) {
            if (grace.isZero()) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone or unkillable: nothing more to do
            }
        }
    }

    static String logTail(Path dir, int lines) {
        StringBuilder out = new StringBuilder();
        List<String> shown = null;
        for (Path f : List.of(dir.resolve("logs/runbook-test.log"), dir.resolve("console.log"))) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
                if (tail.equals(shown)) {
                    continue; // the console repeats the node's log
                }
                out.append("--- ")
                        .append(f)
                        .append(" (last ")
                        .append(tail.size())
                        .append(" lines)\n");
                tail.forEach(l -> out.append(l).append('\n'));
                shown = tail;
            } catch (IOException | UncheckedIOException e) {
                out.append("--- ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return out.length() == 0 ? "(no log written in " + dir + ")" : out.toString();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test run for
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd, e);
        }
    }

    private static String runAllowingFailure(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
