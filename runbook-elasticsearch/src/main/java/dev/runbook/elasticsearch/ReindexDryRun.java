package dev.runbook.elasticsearch;

import java.util.Locale;

/**
 * What a {@link Reindex} plan shows a reviewer: the counts, the size against the disk headroom, and the
 * exact request apply sends.
 *
 * <pre>{@code
 * System.out.println(plan.details(ReindexDryRun.class));
 * }</pre>
 *
 * @param source the source index or alias
 * @param dest the destination index
 * @param sourceDocs documents in the source
 * @param destDocs documents already in the destination
 * @param bytes the source's store size, replicas included: about what the copy adds
 * @param headroomBytes what the data nodes can take before the high watermark
 * @param watermarks the watermarks in force
 * @param runningTask a reindex into the destination already running, or {@code null}
 * @param request the request apply sends to start the task
 */
public record ReindexDryRun(
        String source,
        String dest,
        long sourceDocs,
        long destDocs,
        long bytes,
        long headroomBytes,
        String watermarks,
        String runningTask,
        String request) {

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "reindex '%s' (%,d docs, %s) into '%s' (%,d docs now)%n  disk: %s left below the high watermark (%s)"
                        + "%n  %s%n  then: poll GET _tasks/<task> until completed, check failures, compare _count",
                source,
                sourceDocs,
                IndexTable.bytes(bytes),
                dest,
                destDocs,
                IndexTable.bytes(headroomBytes),
                watermarks,
                runningTask != null ? "follow running task " + runningTask : request);
    }
}
