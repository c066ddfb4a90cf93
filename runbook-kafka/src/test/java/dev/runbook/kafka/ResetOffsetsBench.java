package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Not a test: ResetOffsets on a group with 1,000 partitions, end to end, against the real {@code
 * kafka-consumer-groups} tool on the same in-process broker in the same run; prints both. Run with
 * {@code runbook-kafka/bench/reset-offsets.sh}.
 */
public final class ResetOffsetsBench {

    private static final int PARTITIONS = Integer.getInteger("bench.partitions", 1000);
    private static final int PER_PARTITION = Integer.getInteger("bench.records", 100);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

    private ResetOffsetsBench() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            run();
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // the in-process broker's threads are not daemons: exit explicitly (the shutdown hook stops it)
        System.exit(status);
    }

    private static void run() throws Exception {
        KafkaTestCluster cluster = KafkaTestCluster.get();
        String topic = cluster.createTopic("bench-orders", PARTITIONS);
        String group = "bench-billing";
        cluster.produce(topic, PARTITIONS * PER_PARTITION);
        log(
                "broker %s, topic %s with %d partitions x %d records",
                cluster.bootstrapServers(), topic, PARTITIONS, PER_PARTITION);

        Map<String, List<Long>> millis = new java.util.LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            atEnd(cluster, group, topic);
            long t = System.nanoTime();
            try (KafkaActions kafka = KafkaActions.connect(cluster.bootstrapServers())) {
                ActionContext ctx = ActionContext.standalone();
                ResetOffsets reset = kafka.resetOffsets(group).topic(topic).toEarliest();
                StepPlan plan = reset.plan(ctx);
                reset.apply(plan, ctx);
                Verification v = reset.verify(plan, null, ctx);
                if (!v.ok()) {
                    throw new IllegalStateException(v.message());
                }
            }
            record(millis, "runbook ResetOffsets plan+apply+verify (connect included)", t);
            check(cluster, group, 0);

            atEnd(cluster, group, topic);
            t = System.nanoTime();
            try (KafkaActions kafka = KafkaActions.connect(cluster.bootstrapServers())) {
                kafka.resetOffsets(group).topic(topic).toEarliest().plan(ActionContext.standalone());
            }
            record(millis, "runbook ResetOffsets plan only (dry run)", t);

            t = System.nanoTime();
            ConsumerGroupsTool.Run dry = ConsumerGroupsTool.run(
                    cluster.bootstrapServers(),
                    "--group",
                    group,
                    "--reset-offsets",
                    "--topic",
                    topic,
                    "--to-earliest",
                    "--dry-run");
            record(millis, "kafka-consumer-groups --dry-run, in-process", t);
            require(dry);

            t = System.nanoTime();
            ConsumerGroupsTool.Run exec = ConsumerGroupsTool.run(
                    cluster.bootstrapServers(),
                    "--group",
                    group,
                    "--reset-offsets",
                    "--topic",
                    topic,
                    "--to-earliest",
                    "--execute");
            record(millis, "kafka-consumer-groups --execute, in-process", t);
            require(exec);
            check(cluster, group, 0);

            atEnd(cluster, group, topic);
            t = System.nanoTime();
            process(cluster.bootstrapServers(), group, topic);
            record(millis, "kafka-consumer-groups --execute, own JVM (as the shell script)", t);
            check(cluster, group, 0);
        }

        System.out.printf(
                Locale.ROOT,
                "%nResetOffsets --to-earliest, 1 group, %d partitions, %d rounds (median / min ms)%n",
                PARTITIONS,
                ROUNDS);
        millis.forEach((what, list) -> {
            List<Long> sorted = list.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "  %-66s %6d / %6d%n", what, sorted.get(sorted.size() / 2), sorted.get(0));
        });
    }

    private static void atEnd(KafkaTestCluster cluster, String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> end = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            end.put(new TopicPartition(topic, p), new OffsetAndMetadata(PER_PARTITION));
        }
        KafkaTestCluster.await(
                cluster.admin().alterConsumerGroupOffsets(group, end).all());
        check(cluster, group, PER_PARTITION);
    }

    private static void check(KafkaTestCluster cluster, String group, long expected) {
        Map<TopicPartition, Long> committed = cluster.committed(group);
        if (committed.size() != PARTITIONS || committed.values().stream().anyMatch(o -> o != expected)) {
            throw new IllegalStateException("group " + group + " is not at " + expected + " on every partition");
        }
    }

    private static void process(String servers, String group, String topic) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(Arrays.asList(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                "--bootstrap-server",
                servers,
                "--group",
                group,
                "--reset-offsets",
                "--topic",
                topic,
                "--to-earliest",
                "--execute"));
        File out = Files.createTempFile("kcg", ".out").toFile();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("kafka-consumer-groups failed: " + Files.readString(out.toPath()));
        }
        Files.delete(out.toPath());
    }

    private static void require(ConsumerGroupsTool.Run run) {
        if (run.status() != 0) {
            throw new IllegalStateException("kafka-consumer-groups failed: " + run.output());
        }
    }

    private static void record(Map<String, List<Long>> millis, String what, long startNanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        millis.computeIfAbsent(what, k -> new ArrayList<>()).add(ms);
        log("%-66s %6d ms", what, ms);
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
    }
}
