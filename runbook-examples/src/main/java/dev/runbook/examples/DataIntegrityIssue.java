package dev.runbook.examples;

import static dev.runbook.core.Conditions.atLeast;
import static dev.runbook.core.Conditions.equalTo;

import dev.runbook.core.Condition;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.k8s.K8sActions;
import dev.runbook.kafka.KafkaActions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 004 scenario 3 "Data Integrity Issue" (SEV-1), option A, as code: stop processing (scale the
 * three deployments to 0), wait until the group has no member, record every consumer group's offsets,
 * reset the group to a known good datetime, have the fix confirmed, resume the workers, and verify them.
 *
 * <pre>{@code
 * Runbook rb = DataIntegrityIssue.runbook(kafka, k8s, Path.of("/var/tmp/INC-042-offsets-before.csv"),
 *     OffsetDateTime.parse("2026-11-21T08:00:00+07:00"));
 * }</pre>
 *
 * <p>The reset and the resume are planned before the stop (the plan shows what they will do) and written
 * only after it: the reset refuses a group that still has members, the resume a deployment that is not
 * at 0 replicas. The export never overwrites an earlier, different file; it is the way back
 * ({@code kafka.resetOffsets(group).fromCsv(file)}).
 */
public final class DataIntegrityIssue {
    /** The seed's namespace. */
    public static final String NAMESPACE = "kafka-pipeline";

    /** The seed's deployments, stopped in this order. */
    public static final List<String> STOP = List.of("event-ingester", "download-worker", "result-processor");

    /** The seed's consumer group ({@code --group xact-download-worker}). */
    public static final String GROUP = "xact-download-worker";

    /** The seed's topic ({@code --topic xact.downloads.pending}). */
    public static final String TOPIC = "xact.downloads.pending";

    /** The seed's resume ({@code kubectl scale deployment download-worker --replicas=6}). */
    public static final Map<String, Integer> RESUME = Map.of("download-worker", 6);

    private DataIntegrityIssue() {}

    /**
     * The runbook with the seed's deployments, group, topic and resume, writing the offsets to {@code
     * offsetsFile} and resetting to {@code goodAt}.
     *
     * @param offsetsFile where every group's offsets go before anything is touched (CSV, or JSON for .json)
     * @param goodAt the last known good time (the seed's {@code --to-datetime}; give its zone)
     */
    public static Runbook runbook(KafkaActions kafka, K8sActions k8s, Path offsetsFile, OffsetDateTime goodAt) {
        return runbook(kafka, k8s, NAMESPACE, STOP, GROUP, TOPIC, offsetsFile, goodAt, RESUME);
    }

    /**
     * The runbook for any pipeline.
     *
     * @param namespace the deployments' namespace
     * @param stop the deployments to scale to 0, in order
     * @param group the consumer group to reset (its consumers are among {@code stop})
     * @param topic the topic whose partitions are reset
     * @param offsetsFile where every group's offsets are recorded first
     * @param goodAt the datetime to reset to
     * @param resume the deployments to scale back afterwards, with their counts (a subset of {@code stop})
     * @throws IllegalArgumentException for no deployment to stop, or a resume of a deployment not stopped
     */
    public static Runbook runbook(
            KafkaActions kafka,
            K8sActions k8s,
            String namespace,
            List<String> stop,
            String group,
            String topic,
            Path offsetsFile,
            OffsetDateTime goodAt,
            Map<String, Integer> resume) {
        if (stop.isEmpty()) {
            throw new IllegalArgumentException("name the deployments that stop processing, such as " + STOP);
        }
        for (String d : resume.keySet()) {
            if (!stop.contains(d)) {
                throw new IllegalArgumentException(
                        "resume " + d + " is not among the deployments stopped " + stop + "; stop it first");
            }
        }
        Runbook.Builder b = Runbook.builder("DATA-INTEGRITY", "Data integrity issue: stop, record, replay, resume")
                .severity(Severity.SEV1)
                .service(namespace)
                .link("seeds/004 Scenario 3: Data Integrity Issue, Immediate Containment and Recovery option A")
                .precheck(
                        "group " + group + " exists",
                        kafka.groupState(group),
                        Condition.of("not Dead", (String s) -> !s.equals("Dead")))
                .id("group-exists");
        for (String d : stop) {
            b.step("stop " + d, k8s.scaleDeployment(namespace, d, 0)).id("stop-" + d);
        }
        b.waitUntil("group " + group + " is empty", kafka.groupState(group), equalTo("Empty"), Duration.ofMinutes(2))
                .id("group-empty")
                .step("record every group's offsets", kafka.exportOffsets(offsetsFile))
                .id("record-offsets")
                .step(
                        "reset " + group + " to " + goodAt,
                        kafka.resetOffsets(group)
                                .topic(topic)
                                .afterConsumersStop()
                                .toDatetime(goodAt))
                .id("reset-to-datetime")
                .manual(
                        "fix the cause",
                        "Fix the code or configuration that corrupted the data and deploy it before resuming"
                                + " (the seed's recovery step 2); confirm when it is deployed")
                .id("fix-the-cause");
        Map<String, Integer> ordered = new LinkedHashMap<>();
        stop.stream().filter(resume::containsKey).forEach(d -> ordered.put(d, resume.get(d)));
        ordered.forEach((d, n) -> b.step(
                        "resume " + d, k8s.scaleDeployment(namespace, d, n).afterScaleTo(0))
                .id("resume-" + d));
        ordered.forEach((d, n) -> b.verify(
                        d + " has " + n + " ready", k8s.readyReplicas(namespace, "deployment/" + d), atLeast(n))
                .id(d + "-ready"));
        return b.manual(
                        "tell the team",
                        "Post in the incident channel that processing resumed from " + goodAt + " with the offsets"
                                + " before the reset in " + offsetsFile + "; the deployments not resumed ("
                                + stop.stream()
                                        .filter(d -> !resume.containsKey(d))
                                        .toList()
                                + ") stay at 0 until the data is validated")
                .id("tell-the-team")
                .build();
    }
}
