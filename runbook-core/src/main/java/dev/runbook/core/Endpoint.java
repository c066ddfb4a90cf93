package dev.runbook.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A server that actions and probes talk to. When it plans, the engine checks each endpoint once, within
 * a few seconds ({@link RunbookEngine.Builder#connectTimeout(Duration)}), before it plans the first step
 * on it: a server that does not answer refuses that step at once, and every later step of the plan on
 * the same endpoint (same {@link #name()}) reports the same failure without waiting again. Without it,
 * each step would wait its client's full timeout in turn (30 s or more for a Kafka admin call).
 *
 * <pre>{@code
 * Endpoint kafka = Endpoint.of("kafka 127.0.0.1:9092", timeout -> admin.describeCluster(
 *         new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId().get());
 * }</pre>
 */
public interface Endpoint {

    /** Names the server, the same for every action and probe on it: {@code kafka 127.0.0.1:9092}. */
    String name();

    /**
     * Returns once the server answered one cheap request, within about {@code timeout}. The engine stops
     * waiting after {@code timeout} in any case.
     *
     * @throws TargetUnavailableException naming the server and what to check, if it does not answer
     */
    void check(Duration timeout);

    /**
     * An endpoint from a name and a check; a check that throws anything else than a {@link
     * RunbookException} is reported as a {@link TargetUnavailableException} naming the endpoint.
     */
    static Endpoint of(String name, Consumer<Duration> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        return new Endpoint() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check(Duration timeout) {
                check.accept(timeout);
            }

            @Override
            public String toString() {
                return "Endpoint[" + name + "]";
            }
        };
    }
}
