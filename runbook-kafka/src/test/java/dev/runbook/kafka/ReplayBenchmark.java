package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.replay.ReplayEngine;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import dev.runbook.kafka.test.KafkaTestCluster;
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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * Benchmark (not a test): replays N dead letters (200-byte JSON-like values, Spring Kafka DLT headers)
 * exactly once with {@link ReplayDlq}, and compares it in the same run, on the same broker, with a hand
 * pipeline {@code kcat -C ... -e | kcat -P ...} and with the producer ceiling ({@code
 * kafka-producer-perf-test}'s ProducerPerformance, sending values made the same way). The replay
 * compresses with lz4 by default, so kcat and the ceiling run both without compression (as typed by hand,
 * the reference) and with lz4 (like for like). It also times a bare Java pipe ({@link #barePipe}:
 * one thread consuming and sending key and value, no headers, no transaction), what the replay's
 * bookkeeping and exactly-once cost on top of the clients' own work. Run {@code
 * runbook-kafka/bench/replay-bench.sh [records] [partitions]}.
 *
 * <p>The phases run in rounds taken in turns (ceilings, kcat pipes, replay; {@code -Dbench.rounds=N}, 5 by
 * default), each replay of the same DLQ by another replayer group into another topic, and the ratios are
 * taken per round, so that the machine's drift hits all alike. Round 1 is a fresh JVM's (a JShell
 * session's): its Java code is compiled while it runs, which on two cores competes with the work. The
 * later rounds are a warming JVM's (a long-lived tool's or bot's); the summary is their median, and with
 * {@code -Dbench.warmup=W} also that of the rounds after W, when the JIT has about finished (each phase
 * prints the seconds the JIT compiled during it: the in-process broker's code too). kcat is native code.
 *
 * <p>Flags: {@code -Dbench.replayOnly} skips the ceiling, kcat and bare pipe phases (for iterating on the
 * replay; {@code -Dbench.barePipe} keeps the bare pipe);
 * {@code -Dbench.jfr=FILE} records JFR profiles of the applies into roundN-FILE; {@code -Dbench.brokerJvm} runs
 * the broker in its own JVM instead of this one; {@code -Dbench.replayConfig=k=v,k=v} adds client
 * settings (producer or consumer) to the replay's; {@code -Dbench.asyncProfiler=LIB -Dbench.profile=PREFIX}
 * profiles the plan, the apply and the bare pipe with async-profiler (see {@link #profiler}). Each phase also prints the CPU it cost per record: this
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
        String origin = "bench-origin"; // what the dead letters' headers name; each round maps it elsewhere
        System.out.printf(
                "broker %s (%s), %,d dead letters of 200-byte values, %d partitions%n",
                bootstrap, ownBroker != null ? "its own JVM" : "in this JVM", n, partitions);

        long t0 = System.nanoTime();
        fill(bootstrap, dlq, origin, n, partitions);
        System.out.printf("filled the DLQ in %.1f s%n", secs(t0));

        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // -Dbench.replayConfig=linger.ms=20,batch.size=1048576: client settings for the replay to try
        addSettings(config, System.getProperty("bench.replayConfig", ""));
        KafkaActions kafka = KafkaActions.of(admin, config);
        // -Dbench.replayConfigB=k=v,...: even rounds replay with these settings added (an A/B comparison in
        // alternate rounds of one JVM, so that the machine's drift hits both alike)
        String b = System.getProperty("bench.replayConfigB", "");
        Map<String, Object> configB = new HashMap<>(config);
        addSettings(configB, b);
        KafkaActions kafkaB = KafkaActions.of(admin, configB);
        long every = Long.getLong("bench.checkpointEvery", ReplayEngine.CHECKPOINT_RECORDS);
        boolean replayOnly = flag("bench.replayOnly");
        // the bare Java pipe runs with the ceiling and kcat, or alone with -Dbench.barePipe
        boolean barePipe = !replayOnly || flag("bench.barePipe");
        int rounds = Integer.getInteger("bench.rounds", 5);

        // rounds in turns, so that the machine's drift hits every contender alike; round 1 is a fresh JVM's
        Path payloads = payloadFile();
        List<Round> done = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Map<String, Phase> phases = new java.util.LinkedHashMap<>();
            if (!replayOnly) {
                for (String codec : List.of("none", "lz4")) {
                    String perfTarget =
                            KafkaTestCluster.createTopic(admin, "bench-perf-" + codec + "-" + round, partitions);
                    phases.put(
                            "ceiling " + codec,
                            ceiling(
                                    "producer ceiling (ProducerPerformance), " + codec,
                                    bootstrap,
                                    perfTarget,
                                    n,
                                    payloads,
                                    codec));
                }
                for (String codec : List.of("none", "lz4")) {
                    String kcatTarget =
                            KafkaTestCluster.createTopic(admin, "bench-kcat-" + codec + "-" + round, partitions);
                    phases.put("kcat " + codec, kcat(bootstrap, dlq, kcatTarget, codec));
                    long kcatCount = count(bootstrap, kcatTarget, "read_uncommitted");
                    if (kcatCount != n) {
                        throw new IllegalStateException("the kcat pipe copied " + kcatCount + " of " + n);
                    }
                }
            }
            if (barePipe) {
                String bareTarget = KafkaTestCluster.createTopic(admin, "bench-bare-" + round, partitions);
                profiler("start");
                phases.put("bare pipe", barePipe(bootstrap, dlq, bareTarget, n));
                // -Dbench.barePipeLanes=N: also the bare pipe in N threads, each with its share of the partitions
                int lanes = Integer.getInteger("bench.barePipeLanes", 0);
                if (lanes > 1) {
                    String laneTarget = KafkaTestCluster.createTopic(admin, "bench-lanes-" + round, partitions);
                    phases.put("bare pipe lanes", barePipeLanes(bootstrap, dlq, laneTarget, n, lanes, partitions));
                }
                profiler("stop,file=" + System.getProperty("bench.profile", "") + "-round" + round + "-bare.collapsed");
            }
            // the same DLQ each round, by another replayer group into another topic
            String target = KafkaTestCluster.createTopic(admin, "bench-replayed-" + round, partitions);
            boolean roundB = !b.isEmpty() && round % 2 == 0;
            // -Dbench.oneLaneB: even rounds replay in one lane (a limit that changes nothing else: maxRecords
            // above the DLQ's size; limits are not part of the replayer group's name)
            boolean oneLane = flag("bench.oneLaneB") && round % 2 == 0;
            roundB |= oneLane;
            ReplayDlq replay = (roundB ? kafkaB : kafka)
                    .replayDlq(
                            dlq,
                            ReplaySelection.builder()
                                    .mapTarget(origin, target)
                                    .maxRecords(oneLane ? Long.MAX_VALUE - 1 : Long.MAX_VALUE)
                                    .build())
                    .withGroup("bench-replayer-" + round)
                    .withCheckpointEvery(every);
            Phase[] planAndApply = replay(round, replay, bootstrap, target, n);
            phases.put("plan", planAndApply[0]);
            phases.put("apply", planAndApply[1]);
            Round r = new Round(round, roundB, phases);
            done.add(r);
            r.print(n);
        }

        System.out.println();
        System.out.printf(
                "%-6s %-50s %8s %12s %14s %8s %8s%n",
                "round", "", "seconds", "records/s", "CPU us/record", "JIT s", "GC s");
        for (Round r : done) {
            for (Phase phase : r.phases().values()) {
                System.out.printf(
                        "%-6d %-50s %8.2f %,12.0f %14.2f %8.2f %8.2f%n",
                        r.number(),
                        phase.label(),
                        phase.secs(),
                        n / phase.secs(),
                        1e6 * phase.cpu() / n,
                        phase.jit(),
                        phase.gc());
            }
        }
        boolean ab = !b.isEmpty() || flag("bench.oneLaneB");
        if (ab && done.size() > 2) {
            List<Round> warm = done.subList(1, done.size());
            for (boolean isB : List.of(false, true)) {
                System.out.printf(
                        "rounds 2..%d, %s (%s): apply median %.2f s, plan median %.2f s%n",
                        done.size(),
                        isB ? "B (even rounds)" : "A (odd rounds)",
                        isB ? (flag("bench.oneLaneB") ? "one lane " : "") + b : "bench.replayConfig only",
                        medianSecs(warm, isB, "apply"),
                        medianSecs(warm, isB, "plan"));
            }
        }
        if (!replayOnly && done.size() > 1) {
            summary(done, 1, "after the first, fresh JVM's");
            // -Dbench.warmup=W: also the rounds after W, once the JIT has (about) finished compiling the
            // broker's and the clients' code; the JIT s column shows when that is
            int warmup = Integer.getInteger("bench.warmup", 1);
            if (warmup > 1 && done.size() > warmup) {
                summary(done, warmup, "after " + warmup + " warm-up rounds");
            }
        }
    }

    /** The medians of the apply's per-round ratios to kcat and the ceiling, over the rounds after {@code skip}. */
    private static void summary(List<Round> done, int skip, String which) {
        List<Round> rounds = done.subList(skip, done.size());
        System.out.printf(
                "rounds %d..%d (%s), medians of the per-round ratios (targets: >= 1x kcat, >= 70%% of the ceiling):%n",
                skip + 1, done.size(), which);
        for (String codec : List.of("none", "lz4")) {
            System.out.printf(
                    "  apply = %.2fx kcat pipe, %.0f%% of the producer ceiling, both with compression %s%n",
                    median(rounds.stream()
                            .mapToDouble(r -> r.speedup("kcat " + codec))
                            .toArray()),
                    100
                            * median(rounds.stream()
                                    .mapToDouble(r -> r.speedup("ceiling " + codec))
                                    .toArray()),
                    codec);
        }
        pipeShare(rounds, "bare pipe", "bare Java pipe");
        pipeShare(rounds, "bare pipe lanes", "bare Java pipe in lanes");
    }

    /** The median share of the ceiling a pipe phase reached, and the apply's speed over it, if it ran. */
    private static void pipeShare(List<Round> rounds, String phase, String label) {
        if (!rounds.get(0).phases().containsKey(phase)) {
            return;
        }
        double[] share = rounds.stream()
                .mapToDouble(r -> r.phases().get("ceiling none").secs()
                        / r.phases().get(phase).secs())
                .toArray();
        double[] apply = rounds.stream().mapToDouble(r -> r.speedup(phase)).toArray();
        System.out.printf(
                "  %s = %.0f%% of the producer ceiling (none); apply = %.2fx the %s%n",
                label, 100 * median(share), median(apply), label);
    }

    /** One round's phases by name: "ceiling none|lz4", "kcat none|lz4" (not with -Dbench.replayOnly), "plan", "apply". */
    private record Round(int number, boolean b, Map<String, Phase> phases) {

        /** The apply's speed over the named phase's. */
        double speedup(String phase) {
            return phases.get(phase).secs() / phases.get("apply").secs();
        }

        void print(int n) {
            StringBuilder line = new StringBuilder(String.format(
                    "round %d%s: apply %,.0f records/s",
                    number,
                    number == 1 ? " (fresh JVM)" : b ? " (B)" : "",
                    n / phases.get("apply").secs()));
            for (String other :
                    List.of("kcat none", "kcat lz4", "ceiling none", "ceiling lz4", "bare pipe", "bare pipe lanes")) {
                if (phases.containsKey(other)) {
                    line.append(String.format(
                            "; %s %,.0f/s (%.2fx)", other, n / phases.get(other).secs(), speedup(other)));
                }
            }
            System.out.println(line);
        }
    }

    /** Adds {@code k=v,k=v} client settings to {@code config}. */
    private static void addSettings(Map<String, Object> config, String settings) {
        for (String pair : settings.split(",")) {
            if (pair.contains("=")) {
                config.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
    }

    /** The median seconds of {@code phase} over the A (odd) or B (even) rounds of {@code rounds}. */
    private static double medianSecs(List<Round> rounds, boolean b, String phase) {
        return median(rounds.stream()
                .filter(r -> r.b() == b)
                .mapToDouble(r -> r.phases().get(phase).secs())
                .toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /**
     * One timed phase: wall seconds, CPU seconds (this JVM, the broker, and kcat's processes), this JVM's JIT
     * compilation seconds (the compiler threads' time, part of the CPU: how warm the JVM was) and the
     * seconds its garbage collectors reported (their pauses; from JDK 20 on, G1's concurrent cycles too).
     */
    private record Phase(String label, double secs, double cpu, double jit, double gc) {}

    /** The readings a phase starts from: wall clock, CPU, JIT and GC time so far. */
    private record Meter(long nanos, long cpu, long jit, long gc) {

        static Meter start() {
            return new Meter(System.nanoTime(), cpuNanos(), jitMillis(), gcMillis());
        }

        /** The phase from this meter's start to now. */
        Phase phase(String label) {
            return phase(label, secs(nanos), 0);
        }

        /** The phase from this meter's start to now, timed {@code secs} and {@code extraCpu} more CPU seconds. */
        Phase phase(String label, double secs, double extraCpu) {
            return new Phase(
                    label,
                    secs,
                    (cpuNanos() - cpu) / 1e9 + extraCpu,
                    (jitMillis() - jit) / 1e3,
                    (gcMillis() - gc) / 1e3);
        }
    }

    /** The JIT's compilation time so far in this JVM, in milliseconds. */
    private static long jitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** The garbage collectors' time so far in this JVM, in milliseconds. */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime)
                .filter(t -> t > 0)
                .sum();
    }

    /**
     * Plans and applies {@code replay}, checks that {@code target} then holds all {@code n} records for
     * read_committed consumers and that verify passes; returns the plan's and the apply's phases.
     */
    private static Phase[] replay(int round, ReplayDlq replay, String bootstrap, String target, int n)
            throws Exception {
        String nth = "round" + round;
        ActionContext ctx = ActionContext.standalone();
        String profile = System.getProperty("bench.profile", "") + "-" + nth;
        Meter planMeter = Meter.start();
        profiler("start");
        StepPlan plan = replay.plan(ctx);
        profiler("stop,file=" + profile + "-plan.collapsed");
        Phase planned = planMeter.phase("ReplayDlq plan (dry run: scans the DLQ)");
        System.out.printf("%s plan in %.2f s; applying%n", nth, planned.secs());
        String jfr = System.getProperty("bench.jfr");
        Recording recording = jfr == null ? null : startRecording();
        profiler("start");
        Meter applyMeter = Meter.start();
        ApplyResult result = replay.apply(plan, ctx);
        Phase applied = applyMeter.phase("ReplayDlq apply (exactly once, headers)");
        profiler("stop,file=" + profile + "-apply.collapsed");
        if (recording != null) {
            Path file = Path.of(jfr).resolveSibling(nth + "-" + Path.of(jfr).getFileName());
            recording.dump(file);
            recording.close();
            System.out.println("JFR profile of the apply: " + file);
        }
        long replayed = count(bootstrap, target, "read_committed");
        if (result.count("replayed") != n || replayed != n) {
            throw new IllegalStateException("replayed " + result.count("replayed") + ", target holds " + replayed);
        }
        if (!replay.verify(plan, result, ctx).ok()) {
            throw new IllegalStateException("verify failed after the " + nth + " replay");
        }
        System.out.printf(
                "%s apply in %.2f s; %s holds %,d (read_committed); verify passed%n",
                nth, applied.secs(), target, replayed);
        return new Phase[] {planned, applied};
    }

    /** ProducerPerformance (kafka-producer-perf-test) into {@code topic}, timed by its own records/s. */
    private static Phase ceiling(String label, String bootstrap, String topic, int n, Path payloads, String codec)
            throws Exception {
        Meter meter = Meter.start();
        String perf = captureStdout(() -> ProducerPerformance.main(new String[] {
            "--topic",
            topic,
            "--num-records",
            String.valueOf(n),
            "--payload-file",
            payloads.toString(),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrap,
            "acks=all",
            "linger.ms=5",
            "batch.size=262144",
            "compression.type=" + codec
        }));
        Matcher m =
                Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(perf);
        double ceiling = 0;
        while (m.find()) {
            ceiling = Double.parseDouble(m.group(2));
        }
        if (ceiling <= 0) {
            throw new IllegalStateException("ProducerPerformance printed no records/sec: " + perf);
        }
        return meter.phase(label, n / ceiling, 0);
    }

    /**
     * Runs the kcat pipe from {@code dlq} to {@code target}, its producer compressing with {@code codec}
     * (kcat's {@code -z}); its CPU is this JVM's (the broker's) plus kcat's processes'.
     */
    private static Phase kcat(String bootstrap, String dlq, String target, String codec) throws Exception {
        Path times = Files.createTempFile("kcat-cpu", ".txt");
        Meter meter = Meter.start();
        try {
            Process kcat = new ProcessBuilder(
                            "bash",
                            "-c",
                            "set -o pipefail; TIMEFORMAT='%U %S'; { time ( kcat -C -b " + bootstrap + " -t " + dlq
                                    + " -e -q -f '%k\\t%s\\n' | kcat -P -b " + bootstrap + " -t " + target
                                    + " -z " + codec + " -K '\\t' ) ; } 2> " + times)
                    .inheritIO()
                    .start();
            int rc = kcat.waitFor();
            double secs = secs(meter.nanos());
            if (rc != 0) {
                throw new IllegalStateException("the kcat pipe exited " + rc);
            }
            String[] userSys = Files.readString(times).trim().split("\\s+");
            double kcatCpu =
                    Double.parseDouble(userSys[userSys.length - 2]) + Double.parseDouble(userSys[userSys.length - 1]);
            return meter.phase("kcat -C -e | kcat -P -z " + codec + " (key+value, no txn)", secs, kcatCpu);
        } finally {
            Files.deleteIfExists(times);
        }
    }

    /**
     * The floor of a Java replay with these clients, for comparison ({@code -Dbench.barePipe}): one thread
     * polls the DLQ with the replay's consumer settings and sends each record's key and value (no headers,
     * no transaction, no decoding) with the replay's producer settings (lz4, idempotent, acks=all), then
     * flushes. What the replay adds to it is its price: headers read and written, selection, exactly once.
     */
    private static Phase barePipe(String bootstrap, String dlq, String target, int n) {
        Meter meter = Meter.start();
        long sent;
        try (KafkaConsumer<byte[], byte[]> consumer = bareConsumer(bootstrap);
                KafkaProducer<byte[], byte[]> producer = bareProducer(bootstrap)) {
            sent = readAll(bootstrap, consumer, dlq, records -> {
                for (var r : records) {
                    producer.send(new ProducerRecord<>(target, r.key(), r.value()));
                }
            });
            producer.flush();
        }
        if (sent != n) {
            throw new IllegalStateException("the bare pipe copied " + sent + " of " + n);
        }
        return meter.phase("bare Java pipe (consume, send key+value, lz4, no txn)");
    }

    /**
     * The bare pipe in {@code lanes} threads ({@code -Dbench.barePipeLanes=N}), each with its own consumer
     * and producer and its share of the DLQ's partitions, as the replay's lanes: what the clients reach
     * with parallel copy loops.
     */
    private static Phase barePipeLanes(String bootstrap, String dlq, String target, int n, int lanes, int partitions)
            throws Exception {
        Meter meter = Meter.start();
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<Long>> copied = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                List<TopicPartition> share = new ArrayList<>();
                for (int p = lane; p < partitions; p += lanes) {
                    share.add(new TopicPartition(dlq, p));
                }
                copied.add(pool.submit(() -> copy(bootstrap, share, target)));
            }
            long sent = 0;
            for (Future<Long> f : copied) {
                sent += f.get();
            }
            if (sent != n) {
                throw new IllegalStateException("the bare pipe in lanes copied " + sent + " of " + n);
            }
        } finally {
            pool.shutdownNow();
        }
        return meter.phase("bare Java pipe, " + lanes + " lanes");
    }

    /** The bare pipe's consumer: the replay fetchers' settings. */
    private static KafkaConsumer<byte[], byte[]> bareConsumer(String bootstrap) {
        return new KafkaConsumer<>(
                KafkaDlqSource.consumerConfig(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The bare pipe's producer: the replay sink's bulk-copy settings, acks=all, no transaction. */
    private static KafkaProducer<byte[], byte[]> bareProducer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        TransactionalKafkaSink.bulkCopyDefaults(config);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** One bare pipe lane: copies key and value of {@code share}'s records to the same partitions of target. */
    private static long copy(String bootstrap, List<TopicPartition> share, String target) {
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = bareConsumer(bootstrap);
                KafkaProducer<byte[], byte[]> producer = bareProducer(bootstrap)) {
            consumer.assign(share);
            consumer.seekToBeginning(share);
            Map<TopicPartition, Long> end = consumer.endOffsets(share);
            while (share.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (var r : records) {
                    producer.send(new ProducerRecord<>(target, r.partition(), r.key(), r.value()));
                }
                count += records.count();
            }
            producer.flush();
        }
        return count;
    }

    private static KafkaBrokerProcess brokerProcess;

    /** CPU time so far of this JVM (all threads, an in-process broker's included) and of a broker JVM. */
    private static long cpuNanos() {
        long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return own + (brokerProcess == null ? 0 : brokerProcess.cpuNanos());
    }

    /**
     * With {@code -Dbench.asyncProfiler=/path/libasyncProfiler.so -Dbench.profile=PREFIX} and async-profiler's
     * jar on the class path (the script adds {@code $ASYNC_PROFILER_JAR}), sends {@code command} to
     * async-profiler through its Java API, called reflectively so that it is no dependency: CPU samples ({@code
     * -Dbench.profileEvent=wall} for wall-clock ones) of the plan and of the apply go to PREFIX-plan.collapsed and PREFIX-apply.collapsed (collapsed stacks with
     * thread names; the in-process broker's threads too).
     */
    private static void profiler(String command) throws Exception {
        String lib = System.getProperty("bench.asyncProfiler");
        if (lib == null) {
            return;
        }
        String options = command.startsWith("start")
                ? command + ",event=" + System.getProperty("bench.profileEvent", "cpu") + ",interval=1ms,threads"
                : command + ",collapsed";
        Class<?> api = Class.forName("one.profiler.AsyncProfiler");
        Object profiler = api.getMethod("getInstance", String.class).invoke(null, lib);
        api.getMethod("execute", String.class).invoke(profiler, options);
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
        Random random = new Random(42);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                byte[] value = value(random);
                RecordHeaders h = DeadLetters.springHeaders(
                        List.of(new SpringFailure(origin, i % partitions, i, "bench", "E", "java.io.IOException")), 0);
                producer.send(new ProducerRecord<>(
                        dlq, i % partitions, ("k-" + i).getBytes(StandardCharsets.UTF_8), value, h));
            }
        }
    }

    /**
     * A 200-byte value like an application's JSON event: field names and a few enum values repeat, ids,
     * amounts, times and a note are random, so that it compresses about as much as real events do (lz4
     * about 1.6:1 here; a repeated alphabet would compress far more and flatter compression).
     */
    static byte[] value(Random random) {
        StringBuilder json = new StringBuilder(200)
                .append("{\"orderId\":\"ord-")
                .append(1_000_000_000L + random.nextInt(Integer.MAX_VALUE))
                .append("\",\"customerId\":\"cus-")
                .append(Integer.toHexString(random.nextInt()))
                .append("\",\"amount\":")
                .append(random.nextInt(100_000))
                .append('.')
                .append(10 + random.nextInt(90))
                .append(",\"currency\":\"")
                .append(CURRENCIES[random.nextInt(CURRENCIES.length)])
                .append("\",\"status\":\"PAYMENT_FAILED\",\"at\":\"2026-11-21T")
                .append(String.format(
                        "%02d:%02d:%02d.%03dZ",
                        random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1000)))
                .append("\",\"note\":\"");
        while (json.length() < 198) {
            json.append((char) ('a' + random.nextInt(26)));
        }
        json.setLength(198);
        return json.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF", "JPY"};

    /** 10,000 values as {@link #value} makes them, one per line: ProducerPerformance's --payload-file. */
    private static Path payloadFile() throws Exception {
        Path file = Files.createTempFile("bench-payloads", ".txt");
        file.toFile().deleteOnExit();
        Random random = new Random(7);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            lines.append(new String(value(random), StandardCharsets.US_ASCII)).append('\n');
        }
        Files.writeString(file, lines);
        return file;
    }

    static long count(String bootstrap, String topic, String isolation) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return readAll(bootstrap, consumer, topic, records -> {});
        }
    }

    /**
     * Reads all of {@code topic}'s partitions from their start to their high watermarks as of now, handing
     * each poll's records to {@code each}; returns how many records there were.
     */
    private static long readAll(
            String bootstrap,
            KafkaConsumer<byte[], byte[]> consumer,
            String topic,
            java.util.function.Consumer<ConsumerRecords<byte[], byte[]>> each) {
        List<TopicPartition> tps = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        // to the high watermarks: a read_committed consumer's own end offsets lag a commit by its markers' write
        Map<TopicPartition, Long> end = DeadLetters.endOffsets(bootstrap, topic, "read_uncommitted");
        long count = 0;
        while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            each.accept(records);
            count += records.count();
        }
        return count;
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
