package dev.runbook.kafka;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;

/**
 * A Kafka Connect connector's state and its tasks' states, as {@code GET /connectors/{name}/status}
 * reports them (RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, RESTARTING).
 *
 * <pre>{@code
 * ConnectorStatus s = connect.connectorStatus("orders-sink").read();
 * s.failedTasks();   // [0]
 * }</pre>
 *
 * @param name the connector
 * @param state the connector's state
 * @param workerId the worker running the connector
 * @param tasks the tasks, by id
 */
public record ConnectorStatus(String name, String state, String workerId, List<Task> tasks) {

    public ConnectorStatus {
        Objects.requireNonNull(name, "name");
        tasks = List.copyOf(tasks == null ? List.of() : tasks);
    }

    /**
     * One task's state.
     *
     * @param id task number
     * @param state its state
     * @param workerId the worker running it
     * @param trace the failure's stack trace (FAILED only), or null
     */
    public record Task(int id, String state, String workerId, String trace) {}

    /** Ids of the tasks in FAILED state. */
    @JsonIgnore
    public List<Integer> failedTasks() {
        return tasks.stream()
                .filter(t -> "FAILED".equals(t.state()))
                .map(Task::id)
                .toList();
    }

    /** Whether the connector or any task is FAILED. */
    @JsonIgnore
    public boolean anyFailed() {
        return "FAILED".equals(state) || !failedTasks().isEmpty();
    }

    /** Whether the connector and every task are in {@code wanted}. */
    public boolean allIn(String wanted) {
        return wanted.equals(state) && tasks.stream().allMatch(t -> wanted.equals(t.state()));
    }

    /** The states only (no worker ids or traces), which is what plans compare. */
    @JsonIgnore
    public String states() {
        StringBuilder b = new StringBuilder(state);
        tasks.forEach(t -> b.append(", task ").append(t.id()).append(' ').append(t.state()));
        return b.toString();
    }
}
