package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Benchmark (not a test): replays N dead letters of 200-byte values exactly once with {@link ReplayDlq},
 * and compares it in the same run, on the same broker, with a hand pipeline {@code kcat -C ... -e | kcat
 * -P ...} and with the producer ceiling ({@code kafka-producer-perf-test}'s ProducerPerformance).
 * Run {@code runbook-kafka/bench/replay-bench.sh [records] [partitions]}.
 */
public final class ReplayBenchmark {

    private ReplayBenchmark() {}

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace(); // the in-process broker's threads would keep a failed benchmark alive
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        KafkaTestCluster kafka = KafkaTestCluster.get();
        String bootstrap = kafka.bootstrapServers();
        String dlq = kafka.createTopic("bench-dlq", partitions);
        String replayTarget = kafka.createTopic("bench-replayed", partitions);
        String kcatTarget = kafka.createTopic("bench-kcat", partitions);
        String perfTarget = kafka.createTopic("bench-perf", partitions);
        System.out.printf("broker %s, %,d dead letters of 200-byte values, %d partitions%n", bootstrap, n, partitions);

        long t0 = System.nanoTime();
        fill(bootstrap, dlq, replayTarget, n, partitions);
        System.out.printf("filled the DLQ in %.1f s%n", secs(t0));

        // 1. producer ceiling
        String perf = captureStdout(() -> ProducerPerformance.main(new String[] {
            "--topic",
            perfTarget,
            "--num-records",
            String.valueOf(n),
            "--record-size",
            "200",
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "acks=all",
            "linger.ms=5",
            "batch.size=262144"
        }));
        Matcher m =
                Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(perf);
        double ceiling = 0;
        while (m.find()) {
            ceiling = Double.parseDouble(m.group(2));
        }

        // 2. kcat pipe
        long tk = System.nanoTime();
        Process kcat = new ProcessBuilder(
                        "bash",
                        "-c",
                        "set -o pipefail; kcat -C -b " + bootstrap + " -t " + dlq
                                + " -e -q -f '%k\\t%s\\n' | kcat -P -b " + bootstrap + " -t " + kcatTarget
                                + " -K '\\t'")
                .inheritIO()
                .start();
        int rc = kcat.waitFor();
        double kcatSecs = secs(tk);
        long kcatCount = count(bootstrap, kcatTarget, "read_uncommitted");
        if (rc != 0 || kcatCount != n) {
            throw new IllegalStateException("kcat pipe exited " + rc + " and copied " + kcatCount + " of " + n);
        }

        // 3. ReplayDlq, exactly once
        Map<String, Object> config = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        ReplayDlq replay = KafkaActions.of(kafka.admin(), config).replayDlq(dlq, ReplaySelection.all());
        ActionContext ctx = ActionContext.standalone();
        long tp = System.nanoTime();
        StepPlan plan = replay.plan(ctx);
        double planSecs = secs(tp);
        long ta = System.nanoTime();
        ApplyResult result = replay.apply(plan, ctx);
        double applySecs = secs(ta);
        long replayed = count(bootstrap, replayTarget, "read_committed");
        if (result.count("replayed") != n || replayed != n) {
            throw new IllegalStateException("replayed " + result.count("replayed") + ", target holds " + replayed);
        }
        boolean verified = replay.verify(plan, result, ctx).ok();

        double replayRate = n / applySecs;
        double kcatRate = n / kcatSecs;
        System.out.println();
        System.out.printf("%-46s %10s %12s%n", "", "seconds", "records/s");
        System.out.printf("%-46s %10s %,12.0f%n", "producer ceiling (ProducerPerformance, acks=all)", "-", ceiling);
        System.out.printf("%-46s %10.2f %,12.0f%n", "kcat -C -e | kcat -P (key+value, no txn)", kcatSecs, kcatRate);
        System.out.printf("%-46s %10.2f %,12.0f%n", "ReplayDlq plan (dry run: scans the DLQ)", planSecs, n / planSecs);
        System.out.printf("%-46s %10.2f %,12.0f%n", "ReplayDlq apply (exactly once, headers)", applySecs, replayRate);
        System.out.printf(
                "ReplayDlq apply = %.2fx kcat pipe, %.0f%% of producer ceiling; target holds %,d (read_committed);"
                        + " verify %s%n",
                replayRate / kcatRate, 100 * replayRate / ceiling, replayed, verified ? "passed" : "FAILED");
    }

    private static void fill(String bootstrap, String dlq, String origin, int n, int partitions) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        byte[] value = new byte[200];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                RecordHeaders h = DeadLetters.springHeaders(
                        List.of(new SpringFailure(origin, i % partitions, i, "bench", "E", "java.io.IOException")), 0);
                producer.send(new ProducerRecord<>(
                        dlq, i % partitions, ("k-" + i).getBytes(StandardCharsets.UTF_8), value, h));
            }
        }
    }

    static long count(String bootstrap, String topic, String isolation) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long count = 0;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    private static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    interface Body {
        void run() throws Exception;
    }

    private static String captureStdout(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        return out;
    }
}
