package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mock API server's front: fabric8's CRUD (and expectation) dispatcher behind it, plus what a real API
 * server does and the CRUD mock does not: RBAC refusals (403 naming verb and resource), admission refusals,
 * {@code dryRun=All} (the CRUD mock would store the change: here it is computed and not stored), and the
 * pod eviction subresource with PodDisruptionBudgets (429 naming the budget).
 */
final class ApiServerDispatcher extends Dispatcher {
    private final KubernetesMixedDispatcher inner;
    private final KubernetesSerialization json = new KubernetesSerialization();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** A refusal: RBAC (403) or an admission webhook (400), for a verb on a resource, optionally one name. */
    record Rule(String verb, String resource, String namespace, String name, int code, String message) {
        boolean matches(Call call) {
            return (verb.equals("*") || verb.equals(call.verb()))
                    && (resource.equals("*") || resource.equals(call.resourceWithSub()))
                    && (namespace == null || namespace.equals(call.namespace()))
                    && (name == null || name.equals(call.name()));
        }
    }

    ApiServerDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        this.inner = new KubernetesMixedDispatcher(responses);
    }

    void add(Rule rule) {
        rules.add(rule);
    }

    void clearRules() {
        rules.clear();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        Call call = Call.of(request.getMethod(), request.getPath());
        for (Rule r : rules) {
            if (call != null && r.matches(call)) {
                return status(r.code(), r.code() == 403 ? "Forbidden" : "BadRequest", message(r, call), call);
            }
        }
        if (call != null && "create".equals(call.verb()) && "pods/eviction".equals(call.resourceWithSub())) {
            return evict(call, request.getPath().contains("dryRun=All"));
        }
        if (call != null && request.getPath().contains("dryRun=All")) {
            return dryRun(request, call);
        }
        try {
            return inner.dispatch(request);
        } catch (RuntimeException e) {
            // The CRUD mock throws (and never answers) when a JSON patch's test operation fails; a real API
            // server answers 422.
            return status(
                    422,
                    "Invalid",
                    "the server rejected our request due to an error in our request: " + e.getMessage(),
                    call == null ? Call.of("GET", "/api/v1/unknown") : call);
        }
    }

    private static String message(Rule r, Call call) {
        if (r.code() != 403) {
            return "admission webhook \"policy.sim.runbook.dev\" denied the request: " + r.message();
        }
        String group = call.group().isEmpty() ? "" : "." + call.group();
        return call.resource() + group + (call.name() == null ? "" : " \"" + call.name() + "\"")
                + " is forbidden: User \"" + r.message() + "\" cannot " + call.verb() + " resource \""
                + call.resourceWithSub() + "\" in API group \"" + call.group() + "\""
                + (call.namespace() == null
                        ? " at the cluster scope"
                        : " in the namespace \"" + call.namespace() + "\"");
    }

    /** {@code dryRun=All}: the answer the write would give, computed from the stored object; nothing stored. */
    private MockResponse dryRun(RecordedRequest request, Call call) {
        String path = request.getPath().replaceAll("[?&]dryRun=All", "");
        String objectPath = path.replaceAll("/(status|scale)(\\?.*)?$", "");
        switch (call.verb()) {
            case "patch" -> {
                MockResponse current = get(objectPath);
                if (current.code() != 200) {
                    return current;
                }
                Object doc = json.unmarshal(body(current), Map.class);
                String type = String.valueOf(request.getHeader("Content-Type"));
                if (type.contains("json-patch")) {
                    return status(415, "UnsupportedMediaType", "the simulator's dry run takes merge patches", call);
                }
                Object merged = merge(doc, json.unmarshal(request.getUtf8Body(), Map.class));
                return new MockResponse().setResponseCode(200).setBody(json.asJson(merged));
            }
            case "update", "create" -> {
                return new MockResponse()
                        .setResponseCode(call.verb().equals("create") ? 201 : 200)
                        .setBody(request.getUtf8Body());
            }
            case "delete" -> {
                return get(objectPath);
            }
            default -> {
                return inner.dispatch(request);
            }
        }
    }

    /** RFC 7386 JSON merge patch. */
    @SuppressWarnings("unchecked")
    static Object merge(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> p)) {
            return patch;
        }
        Map<String, Object> out =
                target instanceof Map<?, ?> t ? new LinkedHashMap<>((Map<String, Object>) t) : new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : p.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (e.getValue() == null) {
                out.remove(k);
            } else {
                out.put(k, merge(out.get(k), e.getValue()));
            }
        }
        return out;
    }

    /** The eviction subresource: refused with 429 when a PodDisruptionBudget would be broken. */
    private MockResponse evict(Call call, boolean dryRun) {
        String podPath = "/api/v1/namespaces/" + call.namespace() + "/pods/" + call.name();
        MockResponse got = get(podPath);
        if (got.code() != 200) {
            return status(404, "NotFound", "pods \"" + call.name() + "\" not found", call);
        }
        Pod pod = json.unmarshal(body(got), Pod.class);
        PodDisruptionBudgetList pdbs = json.unmarshal(
                body(get("/apis/policy/v1/namespaces/" + call.namespace() + "/poddisruptionbudgets")),
                PodDisruptionBudgetList.class);
        PodList pods = json.unmarshal(body(get("/api/v1/namespaces/" + call.namespace() + "/pods")), PodList.class);
        for (PodDisruptionBudget pdb : pdbs.getItems()) {
            if (!selects(pdb, pod)) {
                continue;
            }
            List<Pod> covered =
                    pods.getItems().stream().filter(p -> selects(pdb, p)).toList();
            long healthy = covered.stream().filter(PodLifecycle::isReady).count();
            long desired = desiredHealthy(pdb, covered.size());
            if (PodLifecycle.isReady(pod) && healthy - 1 < desired) {
                String cause = "The disruption budget " + pdb.getMetadata().getName() + " needs " + desired
                        + " healthy pods and has " + healthy + " currently";
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("kind", "Status");
                st.put("apiVersion", "v1");
                st.put("status", "Failure");
                st.put("message", "Cannot evict pod as it would violate the pod's disruption budget.");
                st.put("reason", "TooManyRequests");
                st.put("code", 429);
                st.put("details", Map.of("causes", List.of(Map.of("reason", "DisruptionBudget", "message", cause))));
                return new MockResponse().setResponseCode(429).setBody(json.asJson(st));
            }
        }
        if (!dryRun) {
            inner.dispatch(request(HttpMethod.DELETE, podPath));
        }
        return status(201, "", "", call).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}");
    }

    private static boolean selects(PodDisruptionBudget pdb, Pod pod) {
        Map<String, String> want = pdb.getSpec().getSelector() == null
                ? Map.of()
                : pdb.getSpec().getSelector().getMatchLabels();
        Map<String, String> labels = pod.getMetadata().getLabels() == null
                ? Map.of()
                : pod.getMetadata().getLabels();
        return want != null && !want.isEmpty() && labels.entrySet().containsAll(want.entrySet());
    }

    private static long desiredHealthy(PodDisruptionBudget pdb, int expected) {
        var min = pdb.getSpec().getMinAvailable();
        var max = pdb.getSpec().getMaxUnavailable();
        if (min != null) {
            return min.getIntVal() != null ? min.getIntVal() : (long) Math.ceil(expected * percent(min.getStrVal()));
        }
        if (max != null) {
            long m = max.getIntVal() != null ? max.getIntVal() : (long) Math.floor(expected * percent(max.getStrVal()));
            return expected - m;
        }
        return 0;
    }

    private static double percent(String s) {
        return Double.parseDouble(s.replace("%", "").trim()) / 100.0;
    }

    private MockResponse get(String path) {
        return inner.dispatch(request(HttpMethod.GET, path));
    }

    private static RecordedRequest request(HttpMethod method, String path) {
        return new RecordedRequest("HTTP/1.1", method, path, Headers.builder().build(), new Buffer());
    }

    private static String body(MockResponse r) {
        return r.getBody() == null ? "" : new String(r.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    private MockResponse status(int code, String reason, String message, Call call) {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("kind", "Status");
        st.put("apiVersion", "v1");
        st.put("status", code < 300 ? "Success" : "Failure");
        st.put("message", message);
        st.put("reason", reason);
        st.put("code", code);
        Map<String, Object> details = new LinkedHashMap<>();
        if (call.name() != null) {
            details.put("name", call.name());
        }
        details.put("group", call.group());
        details.put("kind", call.resource());
        st.put("details", details);
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(json.asJson(st));
    }

    @Override
    public void shutdown() {
        inner.shutdown();
    }

    /** One API request, parsed: verb, group, resource (and subresource), namespace, name. */
    record Call(String verb, String group, String resource, String subresource, String namespace, String name) {
        String resourceWithSub() {
            return subresource == null ? resource : resource + "/" + subresource;
        }

        static Call of(String method, String rawPath) {
            int q = rawPath.indexOf('?');
            String path = q < 0 ? rawPath : rawPath.substring(0, q);
            String query = q < 0 ? "" : rawPath.substring(q + 1);
            String[] s = path.replaceFirst("^/", "").split("/", -1);
            int i;
            String group;
            if (s.length >= 2 && s[0].equals("api")) {
                group = "";
                i = 2;
            } else if (s.length >= 3 && s[0].equals("apis")) {
                group = s[1];
                i = 3;
            } else {
                return null;
            }
            String ns = null;
            if (s.length > i + 2 && s[i].equals("namespaces")) {
                ns = s[i + 1];
                i += 2;
            }
            if (s.length <= i) {
                return null;
            }
            String resource = s[i];
            String name = s.length > i + 1 ? s[i + 1] : null;
            String sub = s.length > i + 2 ? s[i + 2] : null;
            String verb =
                    switch (method.toUpperCase(java.util.Locale.ROOT)) {
                        case "GET" -> name == null ? (query.contains("watch=true") ? "watch" : "list") : "get";
                        case "POST" -> "create";
                        case "PUT" -> "update";
                        case "PATCH" -> "patch";
                        case "DELETE" -> name == null ? "deletecollection" : "delete";
                        default -> method.toLowerCase(java.util.Locale.ROOT);
                    };
            return new Call(verb, group, resource, sub, ns, name);
        }
    }
}
