package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KafkaActions with an older kafka-clients on the class path (a child JVM; the jars are copied to
 * target/floor-jars by the build): refused with the version found and the version needed, where it used to
 * fail mid-plan with {@code NoClassDefFoundError: ListGroupsOptions}.
 */
class KafkaClientsFloorTest {

    /** The child JVM's main: makes a KafkaActions and prints what happened. */
    public static final class Child {
        public static void main(String[] args) {
            try (KafkaActions kafka = KafkaActions.connect("127.0.0.1:1")) {
                System.out.println("CONNECTED " + kafka);
            } catch (RuntimeException | LinkageError e) {
                System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.7.1", "4.0.1"})
    void anOlderKafkaClientsIsRefusedNamingTheFoundAndTheNeededVersion(String old) throws Exception {
        String out = runWith(Path.of("target/floor-jars/kafka-clients-" + old + ".jar"));
        assertThat(out)
                .startsWith("REFUSED RefusedException: kafka-clients " + old + " is on the class path")
                .contains("needs kafka-clients 4.1.0 or newer")
                .contains("mvn dependency:tree -Dincludes=org.apache.kafka:kafka-clients");
    }

    @Test
    void theVersionThisModuleIsBuiltWithPasses() throws Exception {
        assertThat(runWith(null)).startsWith("CONNECTED KafkaActions[kafka 127.0.0.1:1]");
    }

    private static String runWith(Path kafkaClients) throws IOException, InterruptedException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator, -1)) {
            if (kafkaClients == null || !e.contains("kafka-clients-")) {
                entries.add(e);
            }
        }
        if (kafkaClients != null) {
            assertThat(kafkaClients)
                    .as("copied by maven-dependency-plugin (floor-jars)")
                    .exists();
            entries.add(kafkaClients.toAbsolutePath().toString());
        }
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        String.join(File.pathSeparator, entries),
                        "-Dlogback.configurationFile=nonexistent.xml",
                        Child.class.getName())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        return text.lines()
                .filter(l -> l.startsWith("REFUSED") || l.startsWith("CONNECTED"))
                .findFirst()
                .orElse(text);
    }
}
