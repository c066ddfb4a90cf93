package dev.runbook.core.replay;

/**
 * Names of the headers every replay sink adds to a replayed record (Kafka headers, HTTP headers).
 *
 * <pre>{@code
 * headers.add(ReplayHeaders.REPLAY_ID, "orders-dlq/0/17".getBytes(UTF_8));
 * }</pre>
 */
public final class ReplayHeaders {

    /** The dead letter's position in its DLQ ({@code orders-dlq/0/17}): the same on every rerun. */
    public static final String REPLAY_ID = "runbook-replay-id";

    /** How many times the record was replayed, including this one (decimal text). */
    public static final String ATTEMPT = "runbook-replay-attempt";

    /** Why a record was parked instead of replayed (parking target only). */
    public static final String PARKED_REASON = "runbook-replay-parked-reason";

    private ReplayHeaders() {}
}
