package dev.runbook.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Statuspage REST API v1 on a {@link StubServer}: components and incidents held in
 * memory, the same paths, bodies and {@code Authorization: OAuth <key>} check as the real API.
 */
final class FakeStatuspage {
    static final String PAGE = "page1";
    static final String KEY = "sp-key-0123456789";

    final StubServer server = new StubServer();
    private final Map<String, ObjectNode> components = new TreeMap<>();
    private final Map<String, ObjectNode> incidents = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    FakeStatuspage() {
        server.handler(this::answer);
    }

    String api() {
        return server.url("/v1");
    }

    synchronized void component(String id, String name, String status) {
        components.put(
                id,
                Json.mapper().createObjectNode().put("id", id).put("name", name).put("status", status));
    }

    synchronized void reset() {
        components.clear();
        incidents.clear();
        server.reset();
        server.handler(this::answer);
    }

    /** What the page shows: each component's status and each incident's status and last update. */
    synchronized Map<String, String> state() {
        Map<String, String> s = new TreeMap<>();
        components.forEach((id, c) -> s.put("component " + id, c.path("status").asText()));
        incidents.forEach((id, i) -> s.put(
                "incident " + i.path("name").asText(),
                i.path("status").asText() + ": "
                        + i.path("incident_updates").get(0).path("body").asText()));
        return s;
    }

    /** Someone else posts an incident, as a person would in the page's UI. */
    synchronized void createIncident(String name, String status, String body) {
        ObjectNode i = Json.mapper().createObjectNode();
        String id = "inc" + ids.incrementAndGet();
        i.put("id", id).put("name", name).put("status", status);
        i.putArray("incident_updates").addObject().put("body", body).put("status", status);
        incidents.put(id, i);
    }

    private synchronized StubServer.Response answer(StubServer.Request r) {
        if (!("OAuth " + KEY).equals(r.header("Authorization"))) {
            return StubServer.Response.of(401, "{\"error\":\"Could not authenticate\"}");
        }
        String prefix = "/v1/pages/" + PAGE;
        if (!r.path().startsWith(prefix + "/")) {
            return StubServer.Response.of(404, "{\"error\":\"page not found\"}");
        }
        List<String> p = List.of(r.path().substring(prefix.length() + 1).split("/"));
        if (p.get(0).equals("components") && p.size() == 2) {
            ObjectNode c = components.get(p.get(1));
            if (c == null) {
                return StubServer.Response.of(404, "{\"error\":\"Component not found\"}");
            }
            if (r.method().equals("PATCH")) {
                JsonNode body = Json.read(r.body(), JsonNode.class).path("component");
                c.put("status", body.path("status").asText());
            }
            return json(200, c);
        }
        if (p.get(0).equals("incidents")) {
            if (p.size() == 2 && p.get(1).equals("unresolved") && r.method().equals("GET")) {
                ArrayNode out = Json.mapper().createArrayNode();
                List<ObjectNode> newest = new java.util.ArrayList<>(incidents.values());
                java.util.Collections.reverse(newest);
                newest.stream()
                        .filter(i -> !i.path("status").asText().equals("resolved"))
                        .forEach(out::add);
                return json(200, out);
            }
            JsonNode body = Json.read(r.body(), JsonNode.class).path("incident");
            if (p.size() == 1 && r.method().equals("POST")) {
                createIncident(
                        body.path("name").asText(),
                        body.path("status").asText(),
                        body.path("body").asText());
                ObjectNode created = incidents.get("inc" + ids.get());
                body.path("components").fields().forEachRemaining(e -> {
                    if (components.containsKey(e.getKey())) {
                        components.get(e.getKey()).put("status", e.getValue().asText());
                    }
                });
                return json(201, created);
            }
            if (p.size() == 2 && r.method().equals("PATCH")) {
                ObjectNode i = incidents.get(p.get(1));
                if (i == null) {
                    return StubServer.Response.of(404, "{\"error\":\"Incident not found\"}");
                }
                i.put("status", body.path("status").asText());
                ((ArrayNode) i.get("incident_updates"))
                        .insertObject(0)
                        .put("body", body.path("body").asText())
                        .put("status", body.path("status").asText());
                return json(200, i);
            }
        }
        return StubServer.Response.of(404, "{\"error\":\"not found\"}");
    }

    private static StubServer.Response json(int status, JsonNode body) {
        return new StubServer.Response(status, Map.of("Content-Type", "application/json"), Json.write(body));
    }
}
