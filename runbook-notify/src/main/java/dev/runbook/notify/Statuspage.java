package dev.runbook.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Secret;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.IncidentStatus;
import dev.runbook.core.notify.NotificationFailedException;
import dev.runbook.core.notify.StatusPage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Atlassian Statuspage REST API (v1): {@code GET/PATCH /pages/{page}/components/{id}}, {@code GET
 * /pages/{page}/incidents/unresolved}, {@code POST /pages/{page}/incidents}, {@code PATCH
 * /pages/{page}/incidents/{id}}, authenticated with {@code Authorization: OAuth <key>} (a secret).
 */
final class Statuspage implements StatusPage {
    static final String API = "https://api.statuspage.io/v1";

    private final URI base;
    private final String pageId;
    private final Secret apiKey;
    private final HttpDelivery delivery;

    Statuspage(URI base, String pageId, Secret apiKey, HttpDelivery delivery) {
        if (pageId == null || pageId.isBlank()) {
            throw new IllegalArgumentException("name the status page by its page id, such as 'kctbh9vrtdwd'");
        }
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.pageId = pageId;
        this.apiKey = apiKey;
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return "statuspage " + pageId;
    }

    @Override
    public Component component(String componentId) {
        String path = "pages/" + enc(pageId) + "/components/" + enc(componentId);
        HttpResponse<String> r;
        try {
            r = delivery.send(request(path).GET().build(), "GET /" + path);
        } catch (NotificationFailedException e) {
            if (e.status() == 404) {
                throw new RefusedException(name() + " has no component '" + componentId
                        + "'; list the page's components (GET /v1/pages/" + pageId + "/components) and use an id");
            }
            throw e;
        }
        JsonNode c = Json.read(r.body(), JsonNode.class);
        return new Component(
                c.path("id").asText(),
                c.path("name").asText(),
                ComponentStatus.parse(c.path("status").asText()));
    }

    @Override
    public void setComponentStatus(String componentId, ComponentStatus status) {
        String path = "pages/" + enc(pageId) + "/components/" + enc(componentId);
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("component").put("status", status.apiName());
        delivery.send(request(path).method("PATCH", json(body)).build(), "PATCH /" + path);
    }

    @Override
    public List<Incident> unresolvedIncidents() {
        String path = "pages/" + enc(pageId) + "/incidents/unresolved";
        JsonNode list = Json.read(
                delivery.send(request(path).GET().build(), "GET /" + path).body(), JsonNode.class);
        List<Incident> out = new ArrayList<>();
        list.forEach(i -> out.add(incident(i)));
        return out;
    }

    @Override
    public Incident createIncident(
            String name, IncidentStatus status, String body, Map<String, ComponentStatus> components) {
        String path = "pages/" + enc(pageId) + "/incidents";
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode inc = root.putObject("incident");
        inc.put("name", name).put("status", status.apiName()).put("body", body);
        components.keySet().forEach(inc.putArray("component_ids")::add);
        ObjectNode cs = inc.putObject("components");
        components.forEach((id, s) -> cs.put(id, s.apiName()));
        String answer = delivery.send(request(path).POST(json(root)).build(), "POST /" + path)
                .body();
        return incident(Json.read(answer, JsonNode.class));
    }

    @Override
    public Incident updateIncident(String incidentId, IncidentStatus status, String body) {
        String path = "pages/" + enc(pageId) + "/incidents/" + enc(incidentId);
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("incident").put("status", status.apiName()).put("body", body);
        String answer = delivery.send(request(path).method("PATCH", json(root)).build(), "PATCH /" + path)
                .body();
        return incident(Json.read(answer, JsonNode.class));
    }

    private static Incident incident(JsonNode i) {
        JsonNode updates = i.path("incident_updates");
        String last = updates.isArray() && updates.size() > 0
                ? updates.get(0).path("body").asText()
                : "";
        return new Incident(
                i.path("id").asText(),
                i.path("name").asText(),
                IncidentStatus.parse(i.path("status").asText()),
                last);
    }

    private HttpRequest.Builder request(String path) {
        return delivery.json(base.resolve(path)).header("Authorization", "OAuth " + apiKey.reveal());
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        return HttpRequest.BodyPublishers.ofString(Json.write(body));
    }

    private static String enc(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("a status page id is empty");
        }
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Statuspage[" + pageId + "]";
    }
}
