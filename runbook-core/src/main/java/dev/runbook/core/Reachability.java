package dev.runbook.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The endpoints one plan has checked: each once, within the engine's connect timeout. The first step on
 * an endpoint that does not answer gets the failure; later steps on it get the same failure at once,
 * naming the step that found it.
 */
final class Reachability {
    private final Duration timeout;
    private final Map<String, Result> seen = new HashMap<>();

    private record Result(String firstStep, TargetUnavailableException failure) {}

    Reachability(Duration timeout) {
        this.timeout = timeout;
    }

    /** Throws the endpoint's failure, checking it first if no step of this plan has. */
    void require(Optional<Endpoint> endpoint, String stepId) {
        if (endpoint.isEmpty()) {
            return;
        }
        Endpoint e = endpoint.get();
        Result r = seen.computeIfAbsent(e.name(), n -> new Result(stepId, check(e)));
        if (r.failure() == null) {
            return;
        }
        if (r.firstStep().equals(stepId)) {
            throw r.failure();
        }
        throw new TargetUnavailableException(
                r.failure().getMessage() + " (found when planning step " + r.firstStep()
                        + "; not checked again for this plan)",
                r.failure(),
                r.failure().retriable());
    }

    private TargetUnavailableException check(Endpoint e) {
        // On its own daemon thread, so that a client that ignores the timeout cannot hold the plan.
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        e.check(timeout);
                        done.complete(null);
                    } catch (Throwable x) {
                        done.completeExceptionally(x);
                    }
                },
                "runbook-connect-check");
        t.setDaemon(true);
        t.start();
        try {
            done.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException x) {
            t.interrupt();
            return new TargetUnavailableException(
                    e.name() + " did not answer within " + Outcomes.human(timeout)
                            + "; check the address and that the server is running and reachable from here",
                    null,
                    true);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return new TargetUnavailableException(e.name() + ": interrupted while checking it", x, true);
        } catch (ExecutionException x) {
            Throwable cause = x.getCause();
            if (cause instanceof TargetUnavailableException u) {
                return u;
            }
            return new TargetUnavailableException(
                    e.name() + " did not answer within " + Outcomes.human(timeout) + " (" + cause + ")"
                            + "; check the address and that the server is running and reachable from here",
                    cause,
                    true);
        }
    }
}
