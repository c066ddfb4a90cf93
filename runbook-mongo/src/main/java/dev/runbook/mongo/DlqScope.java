package dev.runbook.mongo;

/**
 * The DLQ events a {@link ReplayDlq} plan covers, as it counted them; apply counts again and refuses a
 * plan whose counts moved.
 *
 * <pre>{@code
 * DlqScope seen = plan.before(DlqScope.class);   // claimable 40, held 0, upTo {"_id": {"$oid": "..."}}
 * }</pre>
 *
 * @param collection the DLQ collection
 * @param filter the events' filter, as the plan shows it (placeholders for the time)
 * @param upTo the last {@code _id} in scope (extended JSON), or null when nothing is in scope
 * @param claimable events in scope waiting in the DLQ or under an expired lease
 * @param held events of the filter in scope under another replayer's lease that has not expired
 */
public record DlqScope(String collection, String filter, String upTo, long claimable, long held) {}
