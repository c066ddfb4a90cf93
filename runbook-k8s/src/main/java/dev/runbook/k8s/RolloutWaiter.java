package dev.runbook.k8s;

import dev.runbook.core.RunbookException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Waits for a workload's rollout as {@code kubectl rollout status} does, driven by a watch on the one
 * object: every event is judged at once ({@link RolloutState}); every {@code resync} without an event the
 * object is read again, and a watch that was lost is opened again. So an API server that goes away
 * mid-wait only pauses the wait: when it is back, the next resync reads the object and the watch resumes.
 */
final class RolloutWaiter {
    private static final HasMetadata WATCH_CLOSED = new io.fabric8.kubernetes.api.model.Pod();

    private RolloutWaiter() {}

    /**
     * The end of a wait.
     *
     * @param state the last state seen (null if the object could never be read)
     * @param object the last object seen
     * @param interference why the wait stopped early because someone else changed the object, or null
     * @param timedOut whether the timeout passed first
     * @param unreachable how many reads failed (an API server that went away)
     * @param wokenBy what delivered the last state: {@code watch}, {@code resync} or {@code first read}
     */
    record Result(
            RolloutState state,
            HasMetadata object,
            String interference,
            boolean timedOut,
            int unreachable,
            String wokenBy) {
        boolean done() {
            return state != null && state.done() && interference == null;
        }
    }

    static Result await(
            K8sTarget k8s,
            WorkloadRef ref,
            long minGeneration,
            Function<HasMetadata, String> interference,
            Predicate<HasMetadata> extraDone,
            Duration timeout,
            Duration resync,
            Clock clock) {
        BlockingQueue<HasMetadata> events = new LinkedBlockingQueue<>();
        Watcher<HasMetadata> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, HasMetadata resource) {
                events.offer(resource);
            }

            @Override
            public void onClose(WatcherException cause) {
                events.offer(WATCH_CLOSED);
            }
        };
        Watch watch = null;
        int unreachable = 0;
        HasMetadata latest = null;
        RolloutState state = null;
        Instant deadline = clock.instant().plus(timeout);
        String wokenBy = "first read";
        try {
            watch = tryWatch(k8s, ref, watcher);
            try {
                latest = k8s.get(ref);
            } catch (RunbookException e) {
                unreachable++;
            }
            while (true) {
                if (latest != null) {
                    String bad = interference.apply(latest);
                    state = RolloutState.of(ref, latest);
                    if (bad != null) {
                        return new Result(state, latest, bad, false, unreachable, wokenBy);
                    }
                    if (state.generation() >= minGeneration
                            && (state.failed() || (state.done() && extraDone.test(latest)))) {
                        return new Result(state, latest, null, false, unreachable, wokenBy);
                    }
                }
                long left = Duration.between(clock.instant(), deadline).toMillis();
                if (left <= 0) {
                    return new Result(state, latest, null, true, unreachable, wokenBy);
                }
                HasMetadata next = events.poll(Math.min(left, resync.toMillis()), TimeUnit.MILLISECONDS);
                HasMetadata newer;
                while ((newer = events.poll()) != null) {
                    next = newer == WATCH_CLOSED && next != null ? next : newer;
                }
                if (next == null || next == WATCH_CLOSED) {
                    if (next == WATCH_CLOSED && watch != null) {
                        watch.close();
                        watch = null;
                    }
                    try {
                        latest = k8s.get(ref);
                        wokenBy = next == WATCH_CLOSED ? "a lost watch" : "resync";
                        if (watch == null) {
                            watch = tryWatch(k8s, ref, watcher);
                        }
                    } catch (RunbookException e) {
                        unreachable++;
                    }
                } else {
                    latest = next;
                    wokenBy = "watch";
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(state, latest, null, true, unreachable, wokenBy);
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private static Watch tryWatch(K8sTarget k8s, WorkloadRef ref, Watcher<HasMetadata> watcher) {
        try {
            return k8s.watch(ref, watcher);
        } catch (RunbookException e) {
            return null;
        }
    }
}
