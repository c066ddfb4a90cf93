package dev.runbook.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Approval;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.ApprovalRequest;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.notify.NotificationFailedException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Approvals for bots: posts each approval request (step, plan summary, blast radius, plan fingerprint)
 * to a webhook, then waits for decisions posted back to a small callback endpoint ({@code POST
 * /approvals/{requestId}}) or polled from a URL, until a timeout that denies. A decision counts only for
 * the plan fingerprint being applied and names its approver; with the two-person rule (for chosen
 * severities or environments) the person running the runbook cannot approve it and two different people
 * must. Time is injected: the clock decides the timeout and the policy's sleeper the pauses.
 *
 * <pre>{@code
 * try (HttpApprovalGate gate = NotifyActions.approvals("https://bot.internal/runbook-approvals")
 *         .callback(new InetSocketAddress("0.0.0.0", 8099)).callbackToken(Secret.of(token))
 *         .timeout(Duration.ofMinutes(15)).twoPersonFor(Severity.SEV1).twoPersonIn("prod")
 *         .build()) {
 *     RunbookEngine engine = RunbookEngine.builder().approvals(gate).build();
 * }
 * }</pre>
 */
public final class HttpApprovalGate implements ApprovalGate, AutoCloseable {
    private final URI webhook;
    private final HttpDelivery delivery;
    private final ApprovalCallbackServer callback;
    private final String pollUrl;
    private final Duration timeout;
    private final Duration pollEvery;
    private final Set<Severity> twoPersonSeverities;
    private final Set<String> twoPersonEnvironments;
    private final Clock clock;

    private HttpApprovalGate(Builder b) {
        this.webhook = b.webhook;
        this.delivery = new HttpDelivery("approval webhook " + HttpDelivery.hostOf(b.webhook), b.policy, b.clock);
        this.callback = b.callbackAddress == null ? null : new ApprovalCallbackServer(b.callbackAddress, b.token);
        this.pollUrl = b.pollUrl;
        this.timeout = b.timeout;
        this.pollEvery = b.pollEvery;
        this.twoPersonSeverities = Set.copyOf(b.severities);
        this.twoPersonEnvironments = Set.copyOf(b.environments);
        this.clock = b.clock;
    }

    /** Starts a gate that posts requests to {@code webhookUrl}. */
    public static Builder builder(String webhookUrl) {
        return new Builder(webhookUrl);
    }

    /** Where decisions are posted: {@code http://host:port/approvals/}, or null without a callback. */
    public URI callbackUri() {
        return callback == null ? null : callback.uri();
    }

    /** Whether {@code req} needs two approvers other than its requester. */
    public boolean twoPersonRule(ApprovalRequest req) {
        return req.kind() == ApprovalRequest.Kind.APPROVE_STEP
                && ((req.severity() != null && twoPersonSeverities.contains(req.severity()))
                        || (req.environment() != null
                                && twoPersonEnvironments.contains(
                                        req.environment().toLowerCase(Locale.ROOT))));
    }

    @Override
    public Approval decide(ApprovalRequest req) {
        if (req.planFingerprint() == null) {
            return Approval.denied("http-approval", "the request carries no plan fingerprint to bind a decision to");
        }
        String id = UUID.randomUUID().toString();
        PendingApproval p = new PendingApproval(req, twoPersonRule(req));
        if (callback != null) {
            callback.await(id, (rid, body) -> p.offer(body));
        }
        try {
            Instant deadline = clock.instant().plus(timeout);
            try {
                post(id, req, p.needed(), deadline);
            } catch (NotificationFailedException e) {
                return Approval.denied("http-approval", "the approval request was not delivered: " + e.getMessage());
            }
            while (true) {
                if (pollUrl != null) {
                    poll(id, p);
                }
                Approval a = p.result();
                if (a != null) {
                    return a;
                }
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    return p.timedOut(timeout);
                }
                delivery.policy().sleeper().sleep(left.compareTo(pollEvery) < 0 ? left : pollEvery);
            }
        } finally {
            if (callback != null) {
                callback.done(id);
            }
        }
    }

    private void post(String id, ApprovalRequest req, int needed, Instant deadline) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("requestId", id);
        body.put("kind", req.kind().name());
        body.put("runId", req.runId());
        body.put("runbookId", req.runbookId());
        body.put("environment", req.environment());
        body.put("severity", req.severity() == null ? null : req.severity().label());
        body.put("requester", req.actor());
        body.put("step", req.step().stepId());
        body.put("summary", req.step().summary());
        if (req.step().action() != null) {
            body.put("target", req.step().action().target());
            ObjectNode radius = body.putObject("blastRadius");
            new java.util.TreeMap<>(req.step().action().blastRadius()).forEach(radius::put);
        }
        if (req.instructions() != null) {
            body.put("instructions", req.instructions());
        }
        body.put("planFingerprint", req.planFingerprint());
        body.put("approversNeeded", needed);
        body.put("requesterMayApprove", needed == 1);
        body.put("expiresAt", deadline.toString());
        if (callback != null) {
            body.put("callbackUrl", callback.uri().resolve(id).toString());
        }
        if (pollUrl != null) {
            body.put("pollUrl", pollUrl.replace("{requestId}", id));
        }
        body.put("text", req.describe());
        HttpRequest r = delivery.json(webhook)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        delivery.send(r, "POST approval request for step " + req.step().stepId());
    }

    private void poll(String id, PendingApproval p) {
        URI uri = URI.create(pollUrl.replace("{requestId}", id));
        HttpRequest r = delivery.json(uri).GET().build();
        try {
            HttpResponse<String> got = delivery.send(r, "GET decision " + id);
            if (got.statusCode() == 200) {
                p.offer(got.body());
            }
        } catch (NotificationFailedException e) {
            if (e.status() != 404) {
                p.note("polling failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (callback != null) {
            callback.close();
        }
    }

    @Override
    public String toString() {
        return "HttpApprovalGate[" + HttpDelivery.hostOf(webhook)
                + (callback == null ? "" : ", callback " + callback.uri()) + "]";
    }

    /** Builds an {@link HttpApprovalGate}: a callback, a poll URL, or both. */
    public static final class Builder {
        private final URI webhook;
        private InetSocketAddress callbackAddress;
        private Secret token;
        private String pollUrl;
        private Duration timeout = Duration.ofMinutes(15);
        private Duration pollEvery = Duration.ofSeconds(2);
        private final Set<Severity> severities = EnumSet.noneOf(Severity.class);
        private final Set<String> environments = new LinkedHashSet<>();
        private DeliveryPolicy policy = DeliveryPolicy.defaults();
        private Clock clock = Clock.systemUTC();

        private Builder(String webhookUrl) {
            this.webhook = NotifyActions.url(webhookUrl);
        }

        /** Listens for decisions on {@code address} (port 0 picks a free port). */
        public Builder callback(InetSocketAddress address) {
            this.callbackAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Decisions must carry {@code Authorization: Bearer <token>}; the token is never sent or shown. */
        public Builder callbackToken(Secret token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Polls {@code url} for decisions; {@code {requestId}} in it is replaced. 404 or 204 means none yet. */
        public Builder poll(String url) {
            NotifyActions.url(url.replace("{requestId}", "x"));
            this.pollUrl = url;
            return this;
        }

        /** How long a request waits for its decision before it is denied; 15 min unless set. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the approval timeout must be > 0, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How often the gate looks for decisions; 2 s unless set. */
        public Builder pollEvery(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("the poll interval must be > 0, was " + every);
            }
            this.pollEvery = every;
            return this;
        }

        /** The two-person rule for runbooks of these severities. */
        public Builder twoPersonFor(Severity... severities) {
            this.severities.addAll(List.of(severities));
            return this;
        }

        /** The two-person rule in these environments (such as {@code prod}). */
        public Builder twoPersonIn(String... environments) {
            for (String e : environments) {
                this.environments.add(e.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Retries of the request webhook and the poll, and the sleeper that waits between looks. */
        public Builder policy(DeliveryPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock of the timeout. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The gate; with a callback, its endpoint is listening when this returns.
         *
         * @throws IllegalStateException with neither a callback nor a poll URL
         */
        public HttpApprovalGate build() {
            if (callbackAddress == null && pollUrl == null) {
                throw new IllegalStateException(
                        "an HTTP approval gate needs .callback(address) or .poll(url) to receive decisions");
            }
            return new HttpApprovalGate(this);
        }
    }

    /** Builds the reason texts shared with {@link PendingApproval}. */
    static String abbrev(String fingerprint) {
        return fingerprint == null ? "none" : fingerprint.substring(0, Math.min(12, fingerprint.length()));
    }

    /** Lists of refusals, for the denial's reason. */
    static String refusals(List<String> notes) {
        return notes.isEmpty() ? "" : "; refused replies: " + String.join("; ", new ArrayList<>(notes));
    }
}
