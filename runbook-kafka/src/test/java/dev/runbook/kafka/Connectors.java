package dev.runbook.kafka;

import dev.runbook.kafka.test.KafkaTestCluster;
import java.time.Duration;
import java.util.function.Predicate;

/** Waits on connectors of the test worker through our own {@link KafkaConnect} probes. */
final class Connectors {
    private Connectors() {}

    /** Waits up to 30 s for the connector's status to satisfy {@code until}; returns it. */
    static ConnectorStatus await(KafkaConnect connect, String name, Predicate<ConnectorStatus> until) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ConnectorStatus last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = connect.connectorStatus(name).read();
                if (until.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                // not created yet
            }
            KafkaTestCluster.sleep(100);
        }
        throw new IllegalStateException("connector " + name + " did not reach the expected state; last " + last);
    }
}
