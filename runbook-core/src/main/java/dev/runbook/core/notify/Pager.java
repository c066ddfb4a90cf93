package dev.runbook.core.notify;

/**
 * Pages a person through an on-call service: PagerDuty (Events API v2) or a generic webhook in {@code
 * runbook-notify}. A repeated trigger with the same dedup key must not page twice.
 *
 * <pre>{@code
 * Pager pd = NotifyActions.pagerDuty(Map.of("on-call", Secret.of(key1), "tech-lead", Secret.of(key2)));
 * pd.send(Page.trigger("INC-004", "tech-lead", 3, "Redis OOM for 30 min", "SEV-2"));
 * }</pre>
 */
public interface Pager {

    /** How plans and the audit name this pager (never a key). */
    String name();

    /**
     * Sends one page event.
     *
     * @throws NotificationFailedException if the service refused it or stayed unreachable
     * @throws IllegalArgumentException if this pager cannot reach {@code page.responder()}
     */
    void send(Page page);
}
