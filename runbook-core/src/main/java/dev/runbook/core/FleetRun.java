package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The rate control behind {@link Fleet}: targets started in order, at most {@code maxConcurrency} at a
 * time, and none started once more than {@code maxErrors} have failed (a FAILED or UNKNOWN result, or an
 * exception); those in flight finish.
 */
final class FleetRun {
    private FleetRun() {}

    /** What happened to one target: a value, an error, or nothing (never started). */
    record Done<T>(Action action, T value, RuntimeException error, boolean started) {}

    static <T> List<Done<T>> run(
            List<Action> members, int maxConcurrency, int maxErrors, BiFunction<Integer, Action, T> body) {
        int n = members.size();
        List<Done<T>> out = new ArrayList<>(n);
        for (Action a : members) {
            out.add(new Done<>(a, null, null, false));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(maxConcurrency, n), r -> {
            Thread t = new Thread(r, "fleet-target");
            t.setDaemon(true);
            return t;
        });
        Semaphore slots = new Semaphore(maxConcurrency);
        AtomicInteger errors = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                slots.acquireUninterruptibly();
                if (errors.get() > maxErrors) {
                    slots.release();
                    break;
                }
                int index = i;
                Action a = members.get(i);
                futures.add(pool.submit(() -> {
                    try {
                        T value = body.apply(index, a);
                        if (value instanceof ApplyResult r && !r.outcome().isSuccess()) {
                            errors.incrementAndGet();
                        }
                        synchronized (out) {
                            out.set(index, new Done<>(a, value, null, true));
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        synchronized (out) {
                            out.set(index, new Done<>(a, null, e, true));
                        }
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RunbookException("interrupted while running a fleet", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    static ApplyResult report(
            String name, List<Done<ApplyResult>> done, int maxConcurrency, int maxErrors, long millis) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o.name().toLowerCase(java.util.Locale.ROOT), 0L);
        }
        List<ItemOutcome> items = new ArrayList<>();
        Map<String, ApplyResult> results = new LinkedHashMap<>();
        for (Done<ApplyResult> d : done) {
            Outcome o;
            String detail;
            if (!d.started()) {
                o = Outcome.NOT_ATTEMPTED;
                detail = "not started: more than " + maxErrors + " targets had failed";
            } else if (d.error() != null) {
                o = Outcome.FAILED;
                detail = d.error().getMessage();
            } else {
                o = d.value().outcome();
                detail = d.value().summary();
                results.put(d.action().target(), d.value());
            }
            counts.merge(o.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
            items.add(new ItemOutcome(d.action().target(), o, detail));
        }
        counts.values().removeIf(v -> v == 0);
        long failed = counts.getOrDefault("failed", 0L) + counts.getOrDefault("unknown", 0L);
        long notAttempted = counts.getOrDefault("not_attempted", 0L);
        long changed = counts.getOrDefault("changed", 0L);
        Outcome outcome =
                failed > 0 || notAttempted > 0 ? Outcome.FAILED : changed > 0 ? Outcome.CHANGED : Outcome.UNCHANGED;
        String summary = name + " on " + done.size() + " targets in " + millis + " ms (" + maxConcurrency
                + " at a time): " + counts
                + (notAttempted > 0 ? "; stopped after " + failed + " failures (maxErrors " + maxErrors + ")" : "");
        ApplyResult.Builder b = ApplyResult.of(outcome, summary).items(items).details(Map.of("results", results));
        counts.forEach(b::count);
        return b.build();
    }

    static Map<String, ApplyResult> memberResults(ApplyResult result) {
        Map<String, ApplyResult> out = new LinkedHashMap<>();
        JsonNode rs = result.details().path("results");
        rs.fieldNames().forEachRemaining(t -> out.put(t, Json.convert(rs.get(t), ApplyResult.class)));
        return out;
    }

    /** One target's context: the fleet step's, with the target in the idempotency key. */
    static final class MemberContext implements ActionContext {
        private final ActionContext parent;
        private final String target;

        MemberContext(ActionContext parent, String target) {
            this.parent = parent;
            this.target = target;
        }

        @Override
        public String runId() {
            return parent.runId();
        }

        @Override
        public String stepId() {
            return parent.stepId();
        }

        @Override
        public String idempotencyKey() {
            return parent.idempotencyKey() + "/" + target;
        }

        @Override
        public Clock clock() {
            return parent.clock();
        }

        @Override
        public Sleeper sleeper() {
            return parent.sleeper();
        }

        @Override
        public Guards guards() {
            return parent.guards();
        }

        @Override
        public Throttle throttle(String name, double permitsPerSecond) {
            return parent.throttle(name, permitsPerSecond);
        }

        @Override
        public void progress(String what, long done, long total) {
            parent.progress(what, done, total);
        }
    }
}
