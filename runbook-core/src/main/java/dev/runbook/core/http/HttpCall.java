package dev.runbook.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Calls an admin endpoint (circuit breaker half-open, replay an event) as a planned, audited action.
 * Plan never sends the call: it only GETs the optional state URL, and is <em>unchanged</em> when the
 * state already is one of the done values. Apply re-reads that state (refusing a stale plan), then
 * sends the call once with an {@code Idempotency-Key} header that is the same for this step of this run,
 * even after a crash and resume; a server answering {@code Idempotent-Replayed: true} makes the step
 * UNCHANGED.
 *
 * <pre>{@code
 * HttpCall halfOpen = Http.post("http://integration-svc:8080/admin/circuit-breaker/half-open")
 *     .body("{\"service\":\"inside\"}")
 *     .header("Authorization", Secret.of("Bearer " + token))
 *     .state("http://integration-svc:8080/admin/circuit-breaker?service=inside", "/state")
 *     .doneWhen("HALF_OPEN", "CLOSED")
 *     .build();
 * }</pre>
 */
public final class HttpCall implements Action {
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");

    private final HttpClient client;
    private final String method;
    private final URI uri;
    private final Map<String, String> headers;
    private final Map<String, Secret> secretHeaders;
    private final String body;
    private final Set<Integer> expected;
    private final HttpField state;
    private final Set<String> doneWhen;
    private final Duration timeout;
    private final boolean destructive;

    private HttpCall(Builder b) {
        this.client = b.client;
        this.method = b.method;
        this.uri = b.uri;
        this.headers = Map.copyOf(b.headers);
        this.secretHeaders = Map.copyOf(b.secretHeaders);
        this.body = b.body;
        this.expected = Set.copyOf(b.expected.isEmpty() ? Set.of(200, 201, 202, 204) : b.expected);
        this.state = b.stateUrl == null
                ? null
                : new HttpField(client, b.stateUrl, b.statePointer, Map.of(), b.secretHeaders, b.timeout);
        this.doneWhen = Set.copyOf(b.doneWhen);
        this.timeout = b.timeout;
        this.destructive = b.destructive;
    }

    /**
     * What plan observed: the state field's value, if a state URL is set.
     *
     * @param state where the value was read
     * @param value the value
     */
    public record Observed(String state, String value) {}

    /**
     * The call as it is shown in plans and audit records: secret header values are masked.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param headers the headers, secrets masked
     * @param body the body, if any
     * @param expectStatus the statuses that count as success
     * @param doneWhen the state values that make the call unnecessary
     */
    public record Call(
            String method,
            String url,
            Map<String, String> headers,
            String body,
            List<Integer> expectStatus,
            List<String> doneWhen) {}

    /**
     * Every parameter apply uses, as plans bind them ({@link Action#parameters()}): secret header values
     * are bound as keyed hashes, never shown.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param headers plain headers
     * @param secretHeaders headers whose values are secrets
     * @param body the body, or null
     * @param expectStatus the statuses that count as success
     * @param stateUrl where the state is read, or null
     * @param statePointer the JSON pointer of the state field, or null
     * @param doneWhen the state values that make the call unnecessary
     * @param timeout how long one request may take
     * @param destructive whether the call needs approval
     */
    public record Params(
            String method,
            String url,
            Map<String, String> headers,
            Map<String, Secret> secretHeaders,
            String body,
            Set<Integer> expectStatus,
            String stateUrl,
            String statePointer,
            Set<String> doneWhen,
            Duration timeout,
            boolean destructive) {}

    @Override
    public Params parameters() {
        return new Params(
                method,
                uri.toString(),
                headers,
                secretHeaders,
                body,
                expected,
                state == null ? null : state.uri().toString(),
                state == null ? null : state.pointer(),
                doneWhen,
                timeout,
                destructive);
    }

    /** Starts a call of {@code method} (GET, POST, PUT, PATCH, DELETE) to {@code url}. */
    public static Builder builder(String method, String url) {
        return new Builder(method, url);
    }

    @Override
    public String type() {
        return "http.call";
    }

    @Override
    public String target() {
        return method + " " + uri;
    }

    @Override
    public boolean destructive() {
        return destructive;
    }

    /** The call as shown in plans. */
    public Call call() {
        return new Call(
                method,
                uri.toString(),
                HttpSupport.shown(headers, secretHeaders),
                body,
                expected.stream().sorted().toList(),
                doneWhen.stream().sorted().toList());
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Observed observed = observe();
        if (observed != null && doneWhen.contains(observed.value())) {
            return StepPlan.unchanged(
                    this, state.pointer() + " of " + state.uri() + " is already " + observed.value(), observed);
        }
        StepPlan.Builder b = StepPlan.builder(this)
                .before(observed)
                .after(call())
                .details(call())
                .blastRadius("requests", 1)
                .resource(uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath());
        if (observed == null) {
            b.summary("send " + target() + " once, expecting " + expectedText())
                    .warning("no state URL: the plan cannot tell whether this call already took effect;"
                            + " the server must deduplicate by the Idempotency-Key header");
        } else {
            b.summary("send " + target() + " once, expecting " + expectedText() + " (" + state.pointer() + " is "
                    + observed.value() + (doneWhen.isEmpty() ? "" : ", done when one of " + sorted(doneWhen)) + ")");
        }
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Observed now = observe();
        if (now != null && doneWhen.contains(now.value())) {
            return ApplyResult.unchanged(state.pointer() + " of " + state.uri() + " is already " + now.value())
                    .build();
        }
        plan.requireUnchanged(now);
        String key = ctx.idempotencyKey();
        HttpRequest.Builder rb =
                HttpSupport.request(uri, timeout, headers, secretHeaders).header(HttpSupport.IDEMPOTENCY_KEY, key);
        if (body != null) {
            if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
                rb.header("Content-Type", "application/json");
            }
            rb.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = HttpSupport.send(client, rb.build());
        } catch (TargetUnavailableException e) {
            throw new TargetUnavailableException(
                    e.getMessage() + "; the call carries " + HttpSupport.IDEMPOTENCY_KEY + " " + key
                            + ", so retrying (or resuming the run) is safe if the server deduplicates by it",
                    e.getCause(),
                    e.retriable());
        }
        int status = response.statusCode();
        String snippet = HttpSupport.snippet(response.body(), 200);
        if (!expected.contains(status)) {
            if (status >= 500 || status == 429) {
                throw new TargetUnavailableException(
                        target() + " answered " + status + ": " + snippet
                                + "; the service is failing; the call carries " + HttpSupport.IDEMPOTENCY_KEY + " "
                                + key + ", so a retry is safe",
                        null,
                        true);
            }
            throw new RefusedException(target() + " answered " + status + " (expected " + expectedText() + "): "
                    + snippet + "; check the URL, the body and the token, then plan again");
        }
        boolean replayed = response.headers()
                .firstValue(HttpSupport.REPLAYED)
                .map("true"::equalsIgnoreCase)
                .orElse(false);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status);
        details.put("body", snippet);
        details.put("idempotencyKey", key);
        ApplyResult.Builder r = replayed
                ? ApplyResult.unchanged(
                        target() + " was already sent with idempotency key " + key + "; the server answered " + status)
                : ApplyResult.changed(target() + " answered " + status + (snippet.isEmpty() ? "" : ": " + snippet));
        return r.count("requests", replayed ? 0 : 1).details(details).build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        if (state == null || doneWhen.isEmpty()) {
            JsonNode status = result.details().path("status");
            return status.isMissingNode()
                    ? Verification.skipped("no state URL to check; the call was not sent in this step")
                    : Verification.passed(target() + " answered " + status.asInt());
        }
        String value;
        try {
            value = state.read();
        } catch (RunbookException e) {
            return Verification.failed("cannot read " + state.name() + ": " + e.getMessage());
        }
        Observed observed = new Observed(state.name(), value);
        return doneWhen.contains(value)
                ? Verification.passed(state.pointer() + " is " + value, observed)
                : Verification.failed(state.pointer() + " is " + value + ", not one of " + sorted(doneWhen), observed);
    }

    private Observed observe() {
        return state == null ? null : new Observed(state.name(), state.read());
    }

    private String expectedText() {
        return expected.size() == 1 ? String.valueOf(expected.iterator().next()) : "one of " + sorted(expected);
    }

    private static <T extends Comparable<T>> List<T> sorted(Set<T> s) {
        return s.stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "HttpCall[" + target() + (state == null ? "" : ", state " + state.name())
                + (doneWhen.isEmpty() ? "" : ", done when " + sorted(doneWhen)) + "]";
    }

    /** Builds an {@link HttpCall}; only the method and URL are required. */
    public static final class Builder {
        private final String method;
        private final URI uri;
        private HttpClient client = HttpSupport.defaultClient();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, Secret> secretHeaders = new LinkedHashMap<>();
        private String body;
        private final Set<Integer> expected = new LinkedHashSet<>();
        private URI stateUrl;
        private String statePointer;
        private final Set<String> doneWhen = new LinkedHashSet<>();
        private Duration timeout = HttpSupport.DEFAULT_TIMEOUT;
        private boolean destructive = true;

        private Builder(String method, String url) {
            if (method == null || !METHOD.matcher(method).matches()) {
                throw new IllegalArgumentException(
                        "HTTP method '" + method + "' must be upper-case letters, such as POST");
            }
            this.method = method;
            this.uri = HttpSupport.uri(url);
        }

        /** A header with a plain value. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(value, "value");
            HttpSupport.checkHeader(name, value);
            headers.put(name, value);
            return this;
        }

        /** A header whose value never prints (a bearer token); it is also sent when reading the state. */
        public Builder header(String name, Secret value) {
            Objects.requireNonNull(value, "value");
            HttpSupport.checkHeader(name, value.reveal());
            secretHeaders.put(name, value);
            return this;
        }

        /** A body, sent as {@code application/json} unless a Content-Type header is set. */
        public Builder body(String body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        /**
         * The statuses that count as success; 200, 201, 202 and 204 unless set.
         *
         * @throws IllegalArgumentException for a status outside 100..599
         */
        public Builder expectStatus(int... statuses) {
            for (int s : statuses) {
                if (s < 100 || s > 599) {
                    throw new IllegalArgumentException("HTTP status " + s + " is outside 100..599");
                }
                expected.add(s);
            }
            return this;
        }

        /**
         * Where plan and apply read the state this call changes: a JSON document at {@code url} and the
         * field at {@code jsonPointer} (such as {@code /state}).
         */
        public Builder state(String url, String jsonPointer) {
            this.stateUrl = HttpSupport.uri(url);
            if (jsonPointer == null || !(jsonPointer.isEmpty() || jsonPointer.startsWith("/"))) {
                throw new IllegalArgumentException("JSON pointer '" + jsonPointer
                        + "' must be empty (the whole body) or start with '/', such as /state");
            }
            this.statePointer = jsonPointer;
            return this;
        }

        /** State values for which the call is not needed: the plan is unchanged and verify passes. */
        public Builder doneWhen(String... values) {
            for (String v : values) {
                doneWhen.add(Objects.requireNonNull(v, "value"));
            }
            return this;
        }

        /**
         * How long one request may take; 10 s unless set.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("HTTP timeout must be > 0, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Sends through your client (proxy, TLS, authentication); a shared default client unless set. */
        public Builder client(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Whether the call loses something a rollback cannot restore (default true: it needs approval).
         */
        public Builder destructive(boolean destructive) {
            this.destructive = destructive;
            return this;
        }

        /**
         * The action.
         *
         * @throws IllegalStateException if done values are given without a state URL
         */
        public HttpCall build() {
            if (!doneWhen.isEmpty() && stateUrl == null) {
                throw new IllegalStateException(
                        "doneWhen" + doneWhen + " needs a state to compare with; add .state(url, jsonPointer)");
            }
            return new HttpCall(this);
        }
    }
}
