package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
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
 *
 * <p>Flags: {@code -Dbench.replayOnly} skips the ceiling and kcat phases (for iterating on the replay);
 * {@code -Dbench.jfr=FILE} records a JFR profile of the apply into FILE; {@code -Dbench.brokerJvm} runs
 * the broker in its own JVM instead of this one; {@code -Dbench.replayConfig=k=v,k=v} adds client
 * settings (producer or consumer) to the replay's. Each phase also prints the CPU it cost per record: this
 * JVM's and the broker's (wherever it runs) plus, for kcat, its processes'.
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
        // the broker in this JVM (the default), or in its own (-Dbench.brokerJvm), so that the replay and
        // the ceiling do not share a heap, a GC and a JIT with it; kcat always runs in its own processes
        KafkaBrokerProcess ownBroker = flag("bench.brokerJvm") ? KafkaBrokerProcess.startNew("-Xmx1g") : null;
        brokerProcess = ownBroker;
        if (ownBroker != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    ownBroker.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
        }
        String bootstrap = ownBroker != null
                ? ownBroker.bootstrapServers()
                : KafkaTestCluster.get().bootstrapServers();
        Admin admin = ownBroker != null
                ? Admin.create(ownBroker.clientConfig(null))
                : KafkaTestCluster.get().admin();
        String dlq = KafkaTestCluster.createTopic(admin, "bench-dlq", partitions);
        String replayTarget = KafkaTestCluster.createTopic(admin, "bench-replayed", partitions);
        String kcatTarget = KafkaTestCluster.createTopic(admin, "bench-kcat", partitions);
        String perfTarget = KafkaTestCluster.createTopic(admin, "bench-perf", partitions);
        System.out.printf(
                "broker %s (%s), %,d dead letters of 200-byte values, %d partitions%n",
                bootstrap, ownBroker != null ? "its own JVM" : "in this JVM", n, partitions);

        long t0 = System.nanoTime();
        fill(bootstrap, dlq, replayTarget, n, partitions);
        System.out.printf("filled the DLQ in %.1f s%n", secs(t0));

        boolean replayOnly = flag("bench.replayOnly");
        double ceiling = 0;
        double ceilingCpu = 0;
        double kcatSecs = 0;
        double kcatCpu = 0;
        if (!replayOnly) {
            // 1. producer ceiling
            long c0 = cpuNanos();
            ceiling = ceiling(bootstrap, perfTarget, n);
            ceilingCpu = (cpuNanos() - c0) / 1e9;

            // 2. kcat pipe
            long ck = cpuNanos();
            long tk = System.nanoTime();
            double kcatProcessesCpu = kcat(bootstrap, dlq, kcatTarget);
            kcatSecs = secs(tk);
            kcatCpu = (cpuNanos() - ck) / 1e9 + kcatProcessesCpu;
            long kcatCount = count(bootstrap, kcatTarget, "read_uncommitted");
            if (kcatCount != n) {
                throw new IllegalStateException("the kcat pipe copied " + kcatCount + " of " + n);
            }
        }

        // 3. ReplayDlq, exactly once
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // -Dbench.replayConfig=linger.ms=20,batch.size=1048576: client settings for the replay to try
        for (String pair : System.getProperty("bench.replayConfig", "").split(",")) {
            if (pair.contains("=")) {
                config.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        ReplayDlq replay = KafkaActions.of(admin, config).replayDlq(dlq, ReplaySelection.all());
        ActionContext ctx = ActionContext.standalone();
        long cp = cpuNanos();
        long tp = System.nanoTime();
        StepPlan plan = replay.plan(ctx);
        double planSecs = secs(tp);
        double planCpu = (cpuNanos() - cp) / 1e9;
        String jfr = System.getProperty("bench.jfr");
        Recording recording = jfr == null ? null : startRecording();
        long ca = cpuNanos();
        long ta = System.nanoTime();
        ApplyResult result = replay.apply(plan, ctx);
        double applySecs = secs(ta);
        double applyCpu = (cpuNanos() - ca) / 1e9;
        if (recording != null) {
            recording.dump(Path.of(jfr));
            recording.close();
            System.out.println("JFR profile of the apply: " + jfr);
        }
        long replayed = count(bootstrap, replayTarget, "read_committed");
        if (result.count("replayed") != n || replayed != n) {
            throw new IllegalStateException("replayed " + result.count("replayed") + ", target holds " + replayed);
        }
        boolean verified = replay.verify(plan, result, ctx).ok();

        double replayRate = n / applySecs;
        double kcatRate = replayOnly ? Double.NaN : n / kcatSecs;
        System.out.println();
        System.out.printf("%-50s %8s %12s %14s%n", "", "seconds", "records/s", "CPU us/record");
        if (!replayOnly) {
            System.out.printf(
                    "%-50s %8s %,12.0f %14.2f%n",
                    "producer ceiling (ProducerPerformance, acks=all)", "-", ceiling, 1e6 * ceilingCpu / n);
            System.out.printf(
                    "%-50s %8.2f %,12.0f %14.2f%n",
                    "kcat -C -e | kcat -P (key+value, no txn)", kcatSecs, kcatRate, 1e6 * kcatCpu / n);
        }
        System.out.printf(
                "%-50s %8.2f %,12.0f %14.2f%n",
                "ReplayDlq plan (dry run: scans the DLQ)", planSecs, n / planSecs, 1e6 * planCpu / n);
        System.out.printf(
                "%-50s %8.2f %,12.0f %14.2f%n",
                "ReplayDlq apply (exactly once, headers)", applySecs, replayRate, 1e6 * applyCpu / n);
        System.out.printf(
                "ReplayDlq apply = %.2fx kcat pipe, %.0f%% of producer ceiling; target holds %,d (read_committed);"
                        + " verify %s%n",
                replayRate / kcatRate, 100 * replayRate / ceiling, replayed, verified ? "passed" : "FAILED");
    }

    /** ProducerPerformance (kafka-producer-perf-test) into {@code topic}: its records/s. */
    private static double ceiling(String bootstrap, String topic, int n) throws Exception {
        String perf = captureStdout(() -> ProducerPerformance.main(new String[] {
            "--topic",
            topic,
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
        return ceiling;
    }

    /** Runs the kcat pipe from {@code dlq} to {@code target}; returns the CPU seconds its processes used. */
    private static double kcat(String bootstrap, String dlq, String target) throws Exception {
        Path times = Files.createTempFile("kcat-cpu", ".txt");
        try {
            Process kcat = new ProcessBuilder(
                            "bash",
                            "-c",
                            "set -o pipefail; TIMEFORMAT='%U %S'; { time ( kcat -C -b " + bootstrap + " -t " + dlq
                                    + " -e -q -f '%k\\t%s\\n' | kcat -P -b " + bootstrap + " -t " + target
                                    + " -K '\\t' ) ; } 2> " + times)
                    .inheritIO()
                    .start();
            int rc = kcat.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("the kcat pipe exited " + rc);
            }
            String[] userSys = Files.readString(times).trim().split("\\s+");
            return Double.parseDouble(userSys[userSys.length - 2]) + Double.parseDouble(userSys[userSys.length - 1]);
        } finally {
            Files.deleteIfExists(times);
        }
    }

    private static KafkaBrokerProcess brokerProcess;

    /** CPU time so far of this JVM (all threads, an in-process broker's included) and of a broker JVM. */
    private static long cpuNanos() {
        long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return own + (brokerProcess == null ? 0 : brokerProcess.cpuNanos());
    }

    /** A JFR recording of the apply: the "profile" settings, with execution samples every 10 ms. */
    private static Recording startRecording() throws Exception {
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        r.start();
        return r;
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

    /** Whether {@code -Dname} (or {@code -Dname=true}) was given. */
    private static boolean flag(String name) {
        String v = System.getProperty(name);
        return v != null && !v.equalsIgnoreCase("false");
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
