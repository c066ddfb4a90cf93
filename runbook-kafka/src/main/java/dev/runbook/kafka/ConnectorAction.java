package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Probes;
import dev.runbook.core.WaitResult;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/** What the Kafka Connect actions share: the REST client, the connector name and the observed states. */
abstract class ConnectorAction implements Action {

    private static final Duration SETTLE = Duration.ofSeconds(15);

    final ConnectClient client;
    final String name;

    ConnectorAction(ConnectClient client, String name) {
        this.client = Objects.requireNonNull(client, "client");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name the connector, such as 'orders-sink'");
        }
        this.name = name;
    }

    @Override
    public String target() {
        return "kafka connect " + client.base() + " connector '" + name + "'";
    }

    @Override
    public boolean destructive() {
        return false;
    }

    /** What plans record and apply re-checks: the states only, without worker ids or traces. */
    record Observed(String connector, String states) {
        static Observed of(ConnectorStatus s) {
            return new Observed(s.name(), s.states());
        }
    }

    /**
     * Reads the status until {@code settled} holds or 15 s pass (the REST calls return before the
     * worker has acted), using the context's clock and sleeper; returns the last status read.
     */
    ConnectorStatus awaitStatus(ActionContext ctx, String what, Predicate<ConnectorStatus> settled) {
        WaitResult<ConnectorStatus> w = Probes.waitUntil(
                Probe.of("connector '" + name + "' status", () -> client.status(name)),
                Condition.of(what, settled),
                SETTLE,
                Duration.ofMillis(200),
                ctx.clock(),
                ctx.sleeper());
        return w.lastValue() != null ? w.lastValue() : client.status(name);
    }

    /** The first line of the first failed task's (or the connector's) trace, for messages. */
    static String firstFailure(ConnectorStatus s) {
        return s.tasks().stream()
                .filter(t -> t.trace() != null)
                .map(t ->
                        "task " + t.id() + ": " + t.trace().lines().findFirst().orElse(""))
                .findFirst()
                .orElse("");
    }
}
