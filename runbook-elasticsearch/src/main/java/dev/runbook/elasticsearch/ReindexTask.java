package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.Conflicts;
import co.elastic.clients.elasticsearch._types.OpType;
import co.elastic.clients.elasticsearch._types.Slices;
import co.elastic.clients.elasticsearch._types.SlicesCalculation;
import co.elastic.clients.elasticsearch.tasks.GetTasksResponse;
import co.elastic.clients.elasticsearch.tasks.NodeTasks;
import co.elastic.clients.elasticsearch.tasks.TaskInfo;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code _reindex} task of a {@link Reindex}: start it ({@code wait_for_completion=false}), find one
 * already running into the same index, poll it through the tasks API, cancel it.
 */
final class ReindexTask {
    private ReindexTask() {}

    /** The task id ({@code node:number}) of a newly started reindex. */
    static String start(EsTarget es, ReindexSettings s) {
        String id;
        try {
            id = startRaw(es, s);
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            String why = EsTarget.reason(e);
            if (e.status() == 404 || e.status() == 405 || why.contains("no handler found")) {
                throw new dev.runbook.core.RefusedException(
                        es.name() + " has no _reindex API (" + why + "): it runs"
                                + " without the reindex module (a minimal distribution such as the integ-test zip); nothing was"
                                + " started. Reindex on a full distribution",
                        e);
            }
            throw new dev.runbook.core.RefusedException(
                    es.name() + " refused _reindex from '" + s.source() + "' to '" + s.dest() + "': " + why, e);
        }
        if (id == null || id.isBlank()) {
            throw new dev.runbook.core.RefusedException(es.name() + " accepted _reindex from '" + s.source() + "' to '"
                    + s.dest() + "' but returned no task id; check GET _tasks?actions=*reindex");
        }
        return id;
    }

    private static String startRaw(EsTarget es, ReindexSettings s) {
        return es.callRaw(
                        "start _reindex from '" + s.source() + "' to '" + s.dest() + "'",
                        c -> c.reindex(r -> {
                            r.source(src -> src.index(s.source()))
                                    .dest(d -> d.index(s.dest()).opType(OpType.Create))
                                    .conflicts(Conflicts.Proceed)
                                    .waitForCompletion(false)
                                    .refresh(true)
                                    .slices(
                                            s.slices() == 0
                                                    ? Slices.of(x -> x.computed(SlicesCalculation.Auto))
                                                    : Slices.of(x -> x.value(s.slices())));
                            if (s.requestsPerSecond() > 0) {
                                r.requestsPerSecond((float) s.requestsPerSecond());
                            }
                            return r;
                        }))
                .task();
    }

    /** The request body {@link #start} sends, for the dry run. */
    static String requestLine(ReindexSettings s) {
        return "POST /_reindex?wait_for_completion=false&refresh=true&slices="
                + (s.slices() == 0 ? "auto" : String.valueOf(s.slices()))
                + (s.requestsPerSecond() > 0 ? "&requests_per_second=" + s.requestsPerSecond() : "")
                + " {\"conflicts\":\"proceed\",\"source\":{\"index\":[\"" + s.source() + "\"]},\"dest\":{\"index\":\""
                + s.dest() + "\",\"op_type\":\"create\"}}";
    }

    /** A reindex into {@code dest} that is running now (a rerun after a crash attaches to it). */
    static Optional<String> running(EsTarget es, String source, String dest) {
        Map<String, NodeTasks> nodes = es.call("list running reindex tasks", c -> c.tasks()
                        .list(r -> r.actions("indices:data/write/reindex").detailed(true)))
                .nodes();
        String wanted = "to [" + dest + "]";
        for (NodeTasks n : nodes.values()) {
            for (Map.Entry<String, TaskInfo> t : n.tasks().entrySet()) {
                String d = t.getValue().description();
                if (d != null && d.contains(wanted) && t.getValue().parentTaskId() == null) {
                    return Optional.of(t.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One look at a task.
     *
     * @param completed whether it finished
     * @param status the running status (total, created, updated, ...), or the final response when completed
     * @param error the task's error, when it failed as a whole
     */
    record Poll(boolean completed, JsonNode status, String error) {
        long done() {
            return status.path("created").asLong()
                    + status.path("updated").asLong()
                    + status.path("deleted").asLong()
                    + status.path("noops").asLong()
                    + status.path("version_conflicts").asLong();
        }

        long total() {
            return status.path("total").asLong();
        }
    }

    static Poll poll(EsTarget es, String taskId) {
        GetTasksResponse r = es.call("read task " + taskId, c -> c.tasks().get(g -> g.taskId(taskId)));
        JsonNode status = r.completed() && r.response() != null
                ? tree(r.response())
                : r.task() == null || r.task().status() == null
                        ? Json.mapper().createObjectNode()
                        : tree(r.task().status());
        String error =
                r.error() == null ? null : r.error().type() + ": " + r.error().reason();
        return new Poll(r.completed(), status, error);
    }

    static void cancel(EsTarget es, String taskId) {
        es.call("cancel task " + taskId, c -> c.tasks().cancel(x -> x.taskId(taskId)));
    }

    private static JsonNode tree(JsonData d) {
        try {
            return Json.mapper().readTree(d.toJson().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
