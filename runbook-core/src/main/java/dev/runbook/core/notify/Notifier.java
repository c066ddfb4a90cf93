package dev.runbook.core.notify;

/**
 * Sends a {@link Notification} somewhere people read it: a Slack or Teams channel, a webhook, email.
 * Implementations speak to one service each ({@code runbook-notify} has Slack, Teams and a generic JSON
 * webhook); a test can pass a lambda-backed one.
 *
 * <pre>{@code
 * Notifier slack = NotifyActions.slack(Secret.of(System.getenv("SLACK_WEBHOOK_URL")), "#prod-alerts");
 * slack.send(Notification.of("Resolved", "monitoring 30 min"));
 * }</pre>
 */
public interface Notifier {

    /** How plans, reports and the audit name this notifier: a channel, never a URL with a token. */
    String name();

    /**
     * Delivers one notification, retrying where the service says to try again.
     *
     * @throws NotificationFailedException naming the notifier and the way out, if it was not delivered
     */
    void send(Notification notification);
}
