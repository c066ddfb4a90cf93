package dev.runbook.kafka;

import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The admin reads a DLQ replay needs, with errors that name the thing and the way out. */
final class DlqAdmin {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    DlqAdmin(Admin admin) {
        this.admin = admin;
    }

    /** The partition numbers of {@code topic}. */
    List<Integer> partitions(String topic, String role) {
        if (!missing(List.of(topic)).isEmpty()) {
            throw new RefusedException(role + " topic '" + topic + "' does not exist; check the name (list topics"
                    + " with Admin.listTopics or kafka-topics --list)");
        }
        TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames(), "describing " + topic)
                .get(topic);
        List<Integer> out = new ArrayList<>();
        d.partitions().forEach(p -> out.add(p.partition()));
        return out;
    }

    /** The names among {@code topics} that do not exist. */
    List<String> missing(Collection<String> topics) {
        List<String> out = new ArrayList<>();
        admin.describeTopics(topics).topicNameValues().forEach((name, f) -> {
            try {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    out.add(name);
                } else if (e.getCause() instanceof InvalidTopicException) {
                    throw KafkaErrors.invalidTopic("topic '" + name + "'", e.getCause());
                } else {
                    throw unavailable("describing topic " + name, e.getCause());
                }
            } catch (TimeoutException e) {
                throw unavailable("describing topic " + name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable("describing topic " + name, e);
            }
        });
        out.sort(null);
        return out;
    }

    /** Log start ({@code earliest}) or last stable ({@code latest}, read_committed) offsets. */
    Map<Integer, Long> offsets(String topic, List<Integer> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p), spec));
        Map<Integer, Long> out = new TreeMap<>();
        get(
                        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                                .all(),
                        "listing offsets of " + topic)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    /**
     * The group's committed offsets on exactly {@code partitions} of {@code topic} (absent: none
     * committed), pending transactional commits waited out for at most 30 s ({@link StableOffsets} says
     * why a fetch of all of the group's offsets is never used).
     *
     * @throws TargetUnavailableException if a commit stays pending that long
     */
    Map<Integer, Long> committed(String group, String topic, Collection<Integer> partitions) {
        return stableWithin(group, topic, partitions, TIMEOUT_SECONDS * 1000)
                .orElseThrow(() -> new TargetUnavailableException(
                        "the committed offsets of group '" + group
                                + "' on " + topic + " stayed pending for " + TIMEOUT_SECONDS
                                + " s: a transaction of the"
                                + " group is still open (a replay running elsewhere?); try again when it ends",
                        null));
    }

    /**
     * Like {@link #committed(String, String, Collection)}, waiting at most {@code waitMillis}; empty when a
     * commit was still pending then (an open transaction of a crashed run, which the replay's producers
     * abort before they read again).
     */
    java.util.Optional<Map<Integer, Long>> stableWithin(
            String group, String topic, Collection<Integer> partitions, long waitMillis) {
        List<TopicPartition> tps =
                partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        return StableOffsets.read(admin, "kafka", group, tps, waitMillis).map(got -> {
            Map<Integer, Long> out = new TreeMap<>();
            got.forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        });
    }

    /** The last committed offsets on {@code partitions}, not waiting for pending transactional commits. */
    Map<Integer, Long> lastCommitted(String group, String topic, Collection<Integer> partitions) {
        List<TopicPartition> tps =
                partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        Map<Integer, Long> out = new TreeMap<>();
        get(
                        admin.listConsumerGroupOffsets(
                                        Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(tps)))
                                .partitionsToOffsetAndMetadata(group),
                        "reading committed offsets of group " + group)
                .forEach((tp, om) -> {
                    if (om != null && om.offset() >= 0) {
                        out.put(tp.partition(), om.offset());
                    }
                });
        return out;
    }

    static <T> T get(Future<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw unavailable(what, e.getCause());
        } catch (TimeoutException e) {
            throw unavailable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(what, e);
        }
    }

    private static TargetUnavailableException unavailable(String what, Throwable cause) {
        return new TargetUnavailableException(
                what + " failed: " + cause + "; is the broker reachable and are the credentials allowed to do it?",
                cause);
    }
}
