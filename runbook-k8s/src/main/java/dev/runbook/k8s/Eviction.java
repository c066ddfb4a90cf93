package dev.runbook.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pod eviction subresource, called directly: fabric8's {@code evict()} answers a PodDisruptionBudget's
 * 429 with {@code false}, and the reviewer needs the server's words ("The disruption budget redis-pdb needs
 * 2 healthy pods and has 2 currently").
 */
final class Eviction {
    private Eviction() {}

    /** What the API server said. */
    record Answer(int code, String message) {
        boolean evicted() {
            return code == 200 || code == 201;
        }

        boolean blockedByBudget() {
            return code == 429;
        }
    }

    static Answer post(K8sTarget k8s, String namespace, String pod, long graceSeconds, boolean dryRun) {
        String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":" + Json.write(pod)
                + ",\"namespace\":" + Json.write(namespace) + "},\"deleteOptions\":{\"gracePeriodSeconds\":"
                + graceSeconds
                + (dryRun ? ",\"dryRun\":[\"All\"]" : "") + "}}";
        String base = k8s.client().getConfiguration().getMasterUrl();
        String url = (base.endsWith("/") ? base : base + "/") + "api/v1/namespaces/" + namespace + "/pods/" + pod
                + "/eviction" + (dryRun ? "?dryRun=All" : "");
        HttpClient http = k8s.client().getHttpClient();
        try {
            HttpResponse<String> r = http.sendAsync(
                            http.newHttpRequestBuilder()
                                    .uri(url)
                                    .post("application/json", body)
                                    .build(),
                            String.class)
                    .get(30, TimeUnit.SECONDS);
            return new Answer(r.code(), message(r.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted while evicting " + namespace + "/" + pod, e, true);
        } catch (ExecutionException | TimeoutException e) {
            throw new TargetUnavailableException(
                    "context " + k8s.context() + ": evicting pod " + namespace + "/" + pod + " failed: "
                            + K8sTarget.rootMessage(e) + "; check that the API server is reachable, then run again",
                    e,
                    true);
        }
    }

    /** The Status message and its causes, in one sentence. */
    private static String message(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode s = Json.mapper().readTree(body);
            List<String> parts = new ArrayList<>();
            if (s.hasNonNull("message")) {
                parts.add(s.get("message").asText());
            }
            for (JsonNode c : s.path("details").path("causes")) {
                parts.add(c.path("message").asText());
            }
            return String.join(" ", parts);
        } catch (java.io.IOException e) {
            return body;
        }
    }

    /** Throws the library's exception for an answer that is neither success nor a budget's refusal. */
    static void requireOk(K8sTarget k8s, String namespace, String pod, Answer a) {
        if (a.evicted() || a.blockedByBudget()) {
            return;
        }
        String on = "context " + k8s.context() + ": evict pod " + namespace + "/" + pod;
        if (a.code() == 403) {
            throw new RefusedException(
                    on + " is forbidden: " + a.message() + "; ask for that permission (kubectl --context "
                            + k8s.context() + " auth can-i create pods/eviction -n " + namespace + ")");
        }
        if (a.code() == 404) {
            throw new RefusedException(on + ": the pod is gone (" + a.message() + ")");
        }
        throw new RefusedException(on + " was rejected: HTTP " + a.code() + " " + a.message());
    }
}
