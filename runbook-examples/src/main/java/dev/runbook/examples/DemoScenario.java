package dev.runbook.examples;

import dev.runbook.core.Runbook;

/**
 * One incident the demo stages: it starts the real servers it needs on 127.0.0.1, breaks them the way
 * the seed describes, and gives the runbook that fixes them. To add one (Kafka), write a
 * class like {@link RedisOomScenario} and register its {@code start} in {@link Demo#SCENARIOS}.
 *
 * <pre>{@code
 * try (DemoScenario s = CircuitBreakerScenario.start()) {
 *     Plan plan = engine.plan(s.runbook());
 * }
 * }</pre>
 */
public interface DemoScenario extends AutoCloseable {

    /** What was staged, for people: which servers, where, in what broken state. */
    String staged();

    /** The runbook that fixes it, bound to the staged servers. */
    Runbook runbook();

    /** The state of the real servers now, read from them, for people: "breaker for inside CLOSED". */
    String observe();

    /** Whether the servers are fixed, read from them. */
    boolean fixed();

    /** Stops the servers it started. */
    @Override
    void close();
}
