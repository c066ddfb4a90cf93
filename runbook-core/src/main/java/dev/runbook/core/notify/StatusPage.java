package dev.runbook.core.notify;

import java.util.List;
import java.util.Map;

/**
 * A public status page: components with a status, and incidents with updates. {@code runbook-notify}
 * implements it over the Atlassian Statuspage REST API; its actions ({@code SetComponentStatus}, {@code
 * SetIncident}) plan by reading it and apply by writing it.
 *
 * <pre>{@code
 * StatusPage page = NotifyActions.statuspage("kctbh9vrtdwd", Secret.of(System.getenv("STATUSPAGE_API_KEY")));
 * page.component("8kbf7d35c070").status();   // OPERATIONAL
 * }</pre>
 */
public interface StatusPage {

    /** How plans and the audit name this page (never a key). */
    String name();

    /**
     * One component.
     *
     * @throws IllegalArgumentException if the page has no such component (naming the page)
     * @throws NotificationFailedException if the page cannot be read
     */
    Component component(String componentId);

    /**
     * Sets one component's status.
     *
     * @throws NotificationFailedException if the page refused it or could not be reached
     */
    void setComponentStatus(String componentId, ComponentStatus status);

    /** The incidents not yet resolved, newest first. */
    List<Incident> unresolvedIncidents();

    /** Creates an incident, with the components it affects and their status. */
    Incident createIncident(String name, IncidentStatus status, String body, Map<String, ComponentStatus> components);

    /** Posts an update to an incident: its new status and the update's text. */
    Incident updateIncident(String incidentId, IncidentStatus status, String body);

    /**
     * A component of the page.
     *
     * @param id the component's id
     * @param name its name, such as {@code Dispatch}
     * @param status its status
     */
    record Component(String id, String name, ComponentStatus status) {}

    /**
     * An incident of the page.
     *
     * @param id the incident's id
     * @param name its name
     * @param status its status
     * @param lastUpdate the text of its latest update
     */
    record Incident(String id, String name, IncidentStatus status, String lastUpdate) {}
}
