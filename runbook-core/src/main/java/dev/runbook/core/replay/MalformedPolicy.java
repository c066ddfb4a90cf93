package dev.runbook.core.replay;

/**
 * What a replay does with a dead letter whose origin headers are missing or malformed (and that has no
 * explicit target).
 *
 * <pre>{@code
 * ReplaySelection.builder().onMalformed(MalformedPolicy.PARK).parkingTarget("orders-parking").build();
 * }</pre>
 */
public enum MalformedPolicy {
    /** The plan is refused and names the records: the default, so nothing is passed over silently. */
    REFUSE,
    /** The records are left behind (the replay moves past them) and reported in the plan and result. */
    SKIP,
    /** The records go to the parking target and are reported. */
    PARK
}
