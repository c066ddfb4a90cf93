package dev.runbook.core;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How the engine calls an action's apply: resilience4j retries with exponential backoff for a
 * retriable {@link TargetUnavailableException}, all of it under a resilience4j {@link TimeLimiter} when
 * the engine has a step timeout. On a timeout the apply's thread is interrupted, but an action may
 * ignore that: the engine then treats the step as UNKNOWN and stops the run.
 */
final class ApplyPolicy {
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration timeout;

    ApplyPolicy(int maxAttempts, Duration initialBackoff, Duration timeout) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.timeout = timeout;
    }

    /**
     * Applies {@code sp} with {@code action}.
     *
     * @throws TimeoutException if the apply did not finish within the step timeout
     */
    ApplyResult apply(Action action, StepPlan sp, ActionContext ctx) throws TimeoutException {
        Retry retry = Retry.of(
                "apply-" + ctx.stepId(),
                RetryConfig.custom()
                        .maxAttempts(maxAttempts)
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0))
                        .retryOnException(e -> e instanceof TargetUnavailableException t && t.retriable())
                        .build());
        Supplier<ApplyResult> call = Retry.decorateSupplier(retry, () -> action.apply(sp, ctx));
        if (timeout == null) {
            return call.get();
        }
        TimeLimiter limiter = TimeLimiter.of(
                "apply-" + ctx.stepId(),
                TimeLimiterConfig.custom()
                        .timeoutDuration(timeout)
                        .cancelRunningFuture(true)
                        .build());
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runbook-apply-" + ctx.runId() + "-" + ctx.stepId());
            t.setDaemon(true);
            return t;
        });
        try {
            return limiter.executeFutureSupplier(() -> executor.submit(call::get));
        } catch (TimeoutException e) {
            throw e;
        } catch (ExecutionException e) {
            throw rethrow(action, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunbookException(
                    "interrupted while applying " + action.type() + " to " + sp.target()
                            + "; the step may or may not have taken effect: check the target, then plan again",
                    e);
        } catch (Exception e) {
            throw rethrow(action, e);
        } finally {
            executor.shutdownNow();
        }
    }

    private static RuntimeException rethrow(Action action, Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new RunbookException("apply of " + action.type() + " failed: " + t, t);
    }
}
