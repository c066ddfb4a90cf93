package dev.runbook.examples;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.kafka.ConnectorStatus;
import dev.runbook.kafka.KafkaConnect;
import java.time.Duration;

/**
 * Seed runbook INC-008 "Debezium connector crashed", scenario 1, as code: check that the connector or a
 * task is not RUNNING, restart the connector and its failed tasks ({@code POST
 * /connectors/<name>/restart?includeTasks=true&onlyFailed=true}), wait until the connector and every task
 * are RUNNING, verify it, and tell the team.
 *
 * <pre>{@code
 * KafkaConnect connect = KafkaConnect.connect("http://kafka-connect:8083");
 * Runbook rb = DebeziumConnectorCrashed.runbook(connect);          // smp-mysql-connector
 * Plan plan = engine.plan(rb);
 * }</pre>
 *
 * <p>Fix the cause first (the seed's "Lost connection to MySQL", a missing schema history topic): a
 * restart of a task whose cause is still there fails again, and the wait says so after its timeout.
 * Scenario 2 (binlog purged, re-snapshot) deletes offsets and duplicates events: it stays a person's
 * decision and is not in this runbook.
 */
public final class DebeziumConnectorCrashed {
    /** The seed's connector. */
    public static final String CONNECTOR = "smp-mysql-connector";

    /** The seed's Connect REST API. */
    public static final String CONNECT_URL = "http://kafka-connect:8083";

    private DebeziumConnectorCrashed() {}

    /** The runbook for the seed's connector {@code smp-mysql-connector}, 2 minutes to come back RUNNING. */
    public static Runbook runbook(KafkaConnect connect) {
        return runbook(connect, CONNECTOR, Duration.ofMinutes(2));
    }

    /**
     * The runbook for {@code connector} on the Connect cluster {@code connect}.
     *
     * @param connect the Kafka Connect REST API, such as {@code KafkaConnect.connect("http://kafka-connect:8083")}
     * @param connector the connector's name
     * @param runningTimeout how long the connector and its tasks may take to be RUNNING after the restart
     * @throws IllegalArgumentException for a blank connector name or a timeout that is not positive
     */
    public static Runbook runbook(KafkaConnect connect, String connector, Duration runningTimeout) {
        if (connector == null || connector.isBlank()) {
            throw new IllegalArgumentException("name the connector, such as '" + CONNECTOR + "'");
        }
        if (runningTimeout.isNegative() || runningTimeout.isZero()) {
            throw new IllegalArgumentException("the running timeout must be > 0, was " + runningTimeout);
        }
        Probe<ConnectorStatus> status = connect.connectorStatus(connector);
        Condition<ConnectorStatus> running = Condition.of("connector and every task RUNNING", s -> s.allIn("RUNNING"));
        return Runbook.builder("INC-008", "Debezium connector crashed")
                .severity(Severity.SEV2)
                .service("kafka-connect")
                .link("seeds/000 INC-008: Triage, Mitigation scenario 1 (connector paused/failed), Resolve")
                .precheck(
                        connector + " or a task has FAILED",
                        status,
                        Condition.of("connector or a task FAILED", ConnectorStatus::anyFailed))
                .id("connector-failed")
                .step("restart " + connector + " and its failed tasks", connect.restartConnector(connector))
                .id("restart-connector")
                .waitUntil(connector + " is running", status, running, runningTimeout)
                .id("connector-running")
                .verify(connector + " and every task are RUNNING", status, running)
                .id("connector-and-tasks-running")
                .manual(
                        "tell the team",
                        "Post in #infra-alerts that " + connector + " is RUNNING again; check that CDC events"
                                + " flow (the smp.cdc.smp_order.* end offsets increase) and that Elasticsearch"
                                + " catches up")
                .build();
    }
}
