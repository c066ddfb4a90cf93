package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.kafka.test.ConnectTestWorker;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.redis.test.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every README block marked as a JShell session runs through the real {@code ./jshell-runbook} with its
 * startup, so that a snippet that stops compiling (a renamed method, a missing import, a chain that
 * JShell cuts at a line starting with {@code .}) fails the build.
 *
 * <p>A block is marked by an HTML comment on the line before its fence: {@code <!-- jshell -->} runs it
 * and fails on any error or exception; {@code <!-- jshell: compile -->} fails on compile errors only (its
 * statements name a group, topic or connector that this test does not stage, so they may throw). The
 * servers the blocks talk to are real and started here: a redis-server, an in-process Kafka broker and a
 * Kafka Connect worker. The blocks' addresses are replaced by theirs: {@code redis://127.0.0.1:6379},
 * {@code 127.0.0.1:9092} and {@code http://127.0.0.1:8083}; {@code ApprovalGate.console()} becomes a
 * non-interactive gate, a leading {@code jshell> } prompt is dropped, waits of minutes become waits of
 * seconds, and {@code /var/tmp/} becomes a temporary directory, which is also the session's working
 * directory. A README's blocks run in one session, in order, as a reader types them.
 */
class JShellReadmeIT {
    private static RedisServer redis;

    @TempDir
    static Path dir;

    @BeforeAll
    static void servers() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @TestFactory
    Stream<DynamicTest> everyJShellBlockOfEveryReadme() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> readmes = new ArrayList<>();
        readmes.add(root.resolve("README.md"));
        try (Stream<Path> modules = Files.list(root)) {
            modules.filter(m -> m.getFileName().toString().startsWith("runbook-"))
                    .map(m -> m.resolve("README.md"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(readmes::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path readme : readmes) {
            Map<String, Block> all = blocks(readme);
            Map<String, Block> blocks = new LinkedHashMap<>();
            all.forEach((name, block) -> {
                if (block.script() == null) {
                    blocks.put(name, block);
                } else {
                    tests.add(DynamicTest.dynamicTest(
                            root.relativize(readme) + " " + name + " is a transcript of " + block.script(),
                            () -> transcript(readme, name, block)));
                }
            });
            if (!blocks.isEmpty()) {
                tests.add(DynamicTest.dynamicTest(
                        root.relativize(readme) + " (" + blocks.size() + " blocks)", () -> run(readme, blocks)));
            }
        }
        assertThat(tests).as("README files with JShell blocks").hasSizeGreaterThanOrEqualTo(7);
        return tests.stream();
    }

    @org.junit.jupiter.api.Test
    void theCheckCatchesAChainThatJShellCutsAtALeadingDot_andAnException() throws Exception {
        String out = jshell(
                "known-bad",
                List.of(
                        "var health = Probe.of(\"orders lag\", () -> 1200L);",
                        "var rb = Runbook.builder(\"INC-004\", \"Redis OOM\").severity(Severity.SEV2)",
                        "    .precheck(\"lag is high\", health, Conditions.above(1000))",
                        "    .build();",
                        "Probe.of(\"boom\", () -> { throw new IllegalStateException(\"boom\"); }).read();",
                        "/exit"));
        assertThat(out).containsPattern(ERROR).containsPattern(EXCEPTION);
    }

    /**
     * A marked block: where it starts, whether it must run without exceptions, its lines, and for a
     * transcript the module's script it was printed by (else null).
     */
    record Block(int line, boolean mustRun, List<String> lines, String script) {}

    /**
     * A block marked {@code <!-- jshell: transcript of bench/inc003.jsh, run by bench/inc003.sh -->} shows a
     * session that needs servers of its own (a replica pair, a simulated cluster, mongod, Elasticsearch),
     * which its script's runner starts. Every statement of the block must be a statement of that script, so
     * that the README cannot show code the script no longer runs. Lines with {@code ...} are abbreviations
     * of output or of an argument, and comments are output: both are skipped.
     */
    private static void transcript(Path readme, String name, Block block) throws IOException {
        Path script = readme.getParent().resolve(block.script());
        assertThat(script).as("%s names its script", name).isRegularFile();
        String code = normalized(Files.readString(script, StandardCharsets.UTF_8));
        int statements = 0;
        for (String line : block.lines()) {
            String statement = normalized(line.replaceFirst("\\s{2,}//.*$", ""));
            if (statement.isEmpty() || statement.startsWith("//") || statement.contains("...")) {
                continue;
            }
            statements++;
            assertThat(code)
                    .as("%s:%d: '%s' is in %s, which printed the transcript", readme, block.line(), statement, script)
                    .contains(statement);
        }
        assertThat(statements).as("%s has statements to check", name).isGreaterThan(5);
    }

    static String normalized(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    static Map<String, Block> blocks(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        Map<String, Block> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String marker = lines.get(i).trim();
            if (!marker.startsWith("<!-- jshell")) {
                continue;
            }
            boolean mustRun = !marker.contains("compile");
            java.util.regex.Matcher transcript =
                    java.util.regex.Pattern.compile("transcript of (\\S+?),? ").matcher(marker);
            String script = transcript.find() ? transcript.group(1) : null;
            int fence = i + 1;
            assertThat(lines.get(fence))
                    .as("%s:%d: the line after %s opens a code block", readme, fence + 1, marker)
                    .startsWith("```");
            List<String> body = new ArrayList<>();
            int j = fence + 1;
            while (!lines.get(j).startsWith("```")) {
                body.add(lines.get(j));
                j++;
            }
            out.put(readme.getFileName() + ":" + (fence + 1), new Block(fence + 1, mustRun, body, script));
            i = j;
        }
        return out;
    }

    /** One session per README, its blocks in order (as a reader types them), each checked on its own output. */
    private void run(Path readme, Map<String, Block> blocks) throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.get();
        String connect = ConnectTestWorker.get().url().toString().replaceAll("/$", "");
        List<String> script = new ArrayList<>();
        for (String name : blocks.keySet()) {
            script.add("System.out.println(\"" + MARK + name + "\")");
            for (String line : blocks.get(name).lines()) {
                script.add(line.replaceFirst("^jshell> ", "")
                        .replace("redis://127.0.0.1:6379", redis.uri())
                        .replace("127.0.0.1:9092", kafka.bootstrapServers())
                        .replace("http://127.0.0.1:8083", connect)
                        .replace(
                                "ApprovalGate.console()",
                                "ApprovalGate.approveAll(\"readme\", \"README snippet test\")")
                        .replace("Duration.ofMinutes(", "Duration.ofSeconds(")
                        .replace("/var/tmp/", dir.toString() + "/"));
            }
        }
        script.add("/exit");
        String out = jshell(readme.getParent().getFileName() + "-README", script);
        String[] parts = out.split(java.util.regex.Pattern.quote(MARK));
        assertThat(parts).as("one output part per block; the session:%n%s", out).hasSize(blocks.size() + 1);
        int i = 1;
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            String part = parts[i++];
            String where = e.getKey() + " (" + readme + ")";
            assertThat(part)
                    .as("%s compiles in ./jshell-runbook; its output:%n%s", where, part)
                    .doesNotContainPattern(ERROR);
            if (e.getValue().mustRun()) {
                assertThat(part)
                        .as("%s runs without an exception; its output:%n%s", where, part)
                        .doesNotContainPattern(EXCEPTION);
            }
        }
    }

    private static final String MARK = "=== README block ";
    /** How a script run of jshell reports a snippet that does not compile (with or without its "|  "). */
    private static final java.util.regex.Pattern ERROR = java.util.regex.Pattern.compile("(?m)^(\\|  )?Error:");
    /** How it reports an exception thrown by a snippet. */
    private static final java.util.regex.Pattern EXCEPTION =
            java.util.regex.Pattern.compile("(?m)^(\\|  )?Exception |Exception in thread");

    private String jshell(String name, List<String> script) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".jsh");
        Files.write(file, script, StandardCharsets.UTF_8);
        Path output = dir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of("..", "jshell-runbook").toAbsolutePath().toString(),
                        "--feedback",
                        "normal",
                        file.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("RUNBOOK_JSHELL_NO_BUILD", "1");
        Process p = pb.start();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        Path kept = Path.of("target", "jshell-readme", name + ".out"); // for reading after the build
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, out, StandardCharsets.UTF_8);
        assertThat(ended).as("jshell ended within 180 s; output:%n%s", out).isTrue();
        return out;
    }
}
