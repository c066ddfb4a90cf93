package dev.runbook.notify;

import dev.runbook.core.RunbookException;
import dev.runbook.core.notify.NotificationFailedException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request to a service with resilience4j retries: 5xx, 429 and unreachable are retried with
 * the policy's backoff, or after exactly the {@code Retry-After} the service asked for; other 4xx are not.
 * Messages and logs name the service and a shown form of the request, never its URL (a Slack or Teams
 * webhook URL is a secret) or its headers.
 */
final class HttpDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final String service;
    private final DeliveryPolicy policy;
    private final Clock clock;

    HttpDelivery(String service, DeliveryPolicy policy, Clock clock) {
        this.service = service;
        this.policy = policy;
        this.clock = clock;
    }

    DeliveryPolicy policy() {
        return policy;
    }

    /** A JSON request with a timeout. */
    HttpRequest.Builder json(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(policy.timeout()).header("Content-Type", "application/json");
    }

    /**
     * Sends {@code request} until it gets a 2xx, a non-retriable answer, or runs out of attempts.
     *
     * @param shown the request as messages may show it, such as {@code POST webhook}
     * @throws NotificationFailedException naming the service, the answer and the way out
     */
    HttpResponse<String> send(HttpRequest request, String shown) {
        AtomicInteger attempts = new AtomicInteger();
        List<String> waits = new ArrayList<>();
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        RetryConfig config = RetryConfig.<HttpResponse<String>>custom()
                .maxAttempts(policy.maxAttempts())
                .retryOnResult(r -> retriable(r.statusCode()) && !tooLong(retryAfter(r)))
                .retryOnException(e -> e instanceof Unreachable)
                .failAfterMaxAttempts(false)
                .intervalBiFunction((attempt, either) -> {
                    Duration wait = either.isRight()
                            ? retryAfter(either.get()).orElse(policy.backoffAfter(attempt))
                            : policy.backoffAfter(attempt);
                    String why = either.isRight()
                            ? "answered " + either.get().statusCode()
                            : "could not be reached (" + either.getLeft().getMessage() + ")";
                    LOG.warn(
                            "{}: {} {}; attempt {} of {}, trying again in {}",
                            service,
                            shown,
                            why,
                            attempt,
                            policy.maxAttempts(),
                            human(wait));
                    waits.add(human(wait));
                    policy.sleeper().sleep(wait);
                    return 0L;
                })
                .build();
        Retry retry = Retry.of(service, config);
        HttpResponse<String> r;
        try {
            r = retry.executeSupplier(() -> {
                attempts.incrementAndGet();
                HttpResponse<String> got = once(request);
                last.set(got);
                return got;
            });
        } catch (Unreachable e) {
            throw new NotificationFailedException(
                    service + ": " + shown + " could not reach " + hostOf(request.uri()) + " (" + e.getMessage()
                            + ") in " + attempts.get() + " attempts" + waited(waits)
                            + "; check that the service is up and the address is right",
                    0,
                    e.getCause());
        }
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            return r;
        }
        Optional<Duration> after = retryAfter(r);
        if (retriable(status) && tooLong(after)) {
            throw new NotificationFailedException(
                    service + ": " + shown + " answered " + status + " asking to retry after "
                            + human(after.orElseThrow()) + ", longer than the " + human(policy.maxRetryAfter())
                            + " this policy waits (DeliveryPolicy.maxRetryAfter); not retried: send it again later",
                    status,
                    null);
        }
        if (retriable(status)) {
            throw new NotificationFailedException(
                    service + ": " + shown + " answered " + status + " " + snippet(r.body()) + " on all "
                            + attempts.get() + " attempts" + waited(waits)
                            + "; the service is failing or rate-limiting: try again later",
                    status,
                    null);
        }
        throw new NotificationFailedException(
                service + ": " + shown + " was refused with " + status + " " + snippet(r.body()) + "; not retried: "
                        + hint(status),
                status,
                null);
    }

    private HttpResponse<String> once(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable(
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunbookException(service + ": interrupted while sending", e);
        }
    }

    static boolean retriable(int status) {
        return status == 429 || status >= 500;
    }

    private boolean tooLong(Optional<Duration> retryAfter) {
        return retryAfter.isPresent() && retryAfter.get().compareTo(policy.maxRetryAfter()) > 0;
    }

    /** The {@code Retry-After} of a 429 or 503, in seconds or as an HTTP date. */
    Optional<Duration> retryAfter(HttpResponse<?> r) {
        if (!retriable(r.statusCode())) {
            return Optional.empty();
        }
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            String s = v.trim();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(s))));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(clock.instant(), at.toInstant());
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (RuntimeException notADate) {
                    return Optional.empty();
                }
            }
        });
    }

    private static String hint(int status) {
        return switch (status) {
            case 400, 422 -> "the service rejected the payload; check the message, fields and ids";
            case 401, 403 -> "check the token or key (it is a secret: it is not shown here)";
            case 404 -> "check the URL, page, component or incident id";
            case 410 -> "the hook or channel was removed; create a new one";
            default -> "check the request";
        };
    }

    private static String waited(List<String> waits) {
        return waits.isEmpty() ? "" : " (waited " + String.join(", ", waits) + " between them)";
    }

    static String hostOf(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return "'" + (flat.length() <= 200 ? flat : flat.substring(0, 200) + "...") + "'";
    }

    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        return d.toMillis() % 1000 == 0
                ? d.getSeconds() + " s"
                : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** The service could not be reached: retried. */
    private static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, IOException cause) {
            super(message, cause);
        }
    }
}
