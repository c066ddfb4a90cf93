package dev.runbook.redis.bench;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.ScanDeleteByPattern;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's (b): plans and applies ScanDeleteByPattern against a loaded server and prints
 * machine-readable lines ({@code plan_ms=..., apply_ms=..., deleted=..., peak_heap_mb=...}). With {@code
 * --rate N --probe} it also runs a concurrent GET client and prints its latency percentiles. Not a test.
 *
 * <pre>{@code
 * java -Xmx64m -cp ... dev.runbook.redis.bench.ScanDeleteBench redis://127.0.0.1:6380 'cache:wms:stock:*' [--rate 100000] [--probe]
 * }</pre>
 */
public final class ScanDeleteBench {
    private ScanDeleteBench() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String pattern = args[1];
        double rate = 0;
        boolean probe = false;
        long maxKeys = 20_000_000;
        int count = 1000;
        boolean recountFirst = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--probe" -> probe = true;
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--recount-first" -> recountFirst = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        Latency latency = probe ? new Latency(uri) : null;
        try (RedisActions redis = RedisActions.connect(uri)) {
            ScanDeleteByPattern flush =
                    redis.scanDelete(pattern).maxKeys(maxKeys).sampleSize(1000).count(count);
            if (rate > 0) {
                flush = flush.rate(rate);
            }
            if (recountFirst) {
                flush = flush.recountFirst();
            }
            ActionContext ctx = ActionContext.standalone();
            long t0 = System.nanoTime();
            StepPlan plan = flush.plan(ctx);
            long t1 = System.nanoTime();
            String baseline = "";
            if (latency != null) {
                latency.start();
                Thread.sleep(3000);
                latency.stop();
                baseline = latency.report("before apply, 3 s idle");
                latency.start();
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long c0 = os.getProcessCpuTime();
            double s0 = serverCpu(uri);
            long t2 = System.nanoTime();
            ApplyResult result = flush.apply(plan, ctx);
            long t3 = System.nanoTime();
            long cpu = (os.getProcessCpuTime() - c0) / 1_000_000;
            long serverCpuMs = Math.round((serverCpu(uri) - s0) * 1000);
            if (latency != null) {
                latency.stop();
            }
            boolean verified = flush.verify(plan, result, ctx).ok();
            done.set(true);
            peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
            System.out.printf(
                    Locale.ROOT,
                    "plan_ms=%d apply_ms=%d apply_client_cpu_ms=%d apply_server_cpu_ms=%d matching=%d deleted=%d verified=%s peak_heap_mb=%.1f max_heap_mb=%d%n",
                    (t1 - t0) / 1_000_000,
                    (t3 - t2) / 1_000_000,
                    cpu,
                    serverCpuMs,
                    plan.radius("keys"),
                    result.count("deleted"),
                    verified,
                    peak.get() / 1048576.0,
                    Runtime.getRuntime().maxMemory() / 1048576);
            System.out.println("plan: " + plan.summary());
            System.out.println("apply: " + result.summary() + " " + result.details());
            if (latency != null) {
                System.out.println(baseline);
                System.out.println(latency.report("during apply"));
                latency.close();
            }
        }
    }

    /** The server's used_cpu_user + used_cpu_sys, in seconds. */
    private static double serverCpu(String uri) {
        RedisClient c = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            double sum = 0;
            for (String line : conn.sync().info("cpu").lines().toList()) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    sum += Double.parseDouble(
                            line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return sum;
        } finally {
            c.shutdown();
        }
    }

    /** A client doing GETs back to back, recording each latency. */
    private static final class Latency {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> conn;
        private final long[] samples = new long[2_000_000];
        private int n;
        private volatile boolean running;
        private Thread thread;

        Latency(String uri) {
            client = RedisClient.create(uri);
            conn = client.connect();
            conn.sync().set("bench:probe", "x");
        }

        void start() {
            n = 0;
            running = true;
            thread = new Thread(() -> {
                while (running && n < samples.length) {
                    long t = System.nanoTime();
                    conn.sync().get("bench:probe");
                    samples[n++] = System.nanoTime() - t;
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        void close() {
            conn.close();
            client.shutdown();
        }

        String report(String when) {
            long[] s = Arrays.copyOf(samples, n);
            Arrays.sort(s);
            return String.format(
                    Locale.ROOT,
                    "concurrent GET latency %s: n=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f",
                    when,
                    n,
                    s[n / 2] / 1e6,
                    s[(int) (n * 0.99)] / 1e6,
                    s[n - 1] / 1e6);
        }
    }
}
