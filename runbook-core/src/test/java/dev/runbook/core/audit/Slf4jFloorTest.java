package dev.runbook.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slf4jAuditSink with slf4j-api 1.7.36 on the class path (a child JVM; the jar is copied to
 * target/floor-jars by the build): refused with the version found and the version needed, where it used to
 * throw {@code NoSuchMethodError: Logger.atInfo()} at the first audit record.
 */
class Slf4jFloorTest {

    /** The child JVM's main: makes the sink and prints what happened. */
    public static final class Child {
        public static void main(String[] args) {
            try {
                System.out.println("CREATED " + new Slf4jAuditSink());
            } catch (RuntimeException | LinkageError e) {
                System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    @Test
    void slf4j17IsRefusedNamingTheFoundAndTheNeededVersion() throws Exception {
        Path old = Path.of("target/floor-jars/slf4j-api-1.7.36.jar");
        assertThat(old).as("copied by maven-dependency-plugin (floor-jars)").exists();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator, -1)) {
            if (!e.contains("slf4j-api-") && !e.contains("logback-")) {
                entries.add(e);
            }
        }
        entries.add(old.toAbsolutePath().toString());
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        String.join(File.pathSeparator, entries),
                        Child.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().filter(l -> l.startsWith("REFUSED") || l.startsWith("CREATED")))
                .singleElement()
                .asString()
                .startsWith("REFUSED RefusedException: slf4j-api 1.7.36 is on the class path")
                .contains("needs slf4j-api 2.0.0 or newer (it uses Logger.atInfo())");
    }
}
