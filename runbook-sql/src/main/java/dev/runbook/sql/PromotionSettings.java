package dev.runbook.sql;

import java.time.Duration;
import java.util.List;

/**
 * How {@link PromoteReplica} promotes: the mode, the lag limit, the timeouts and the names of the caller's
 * hooks. Every field is part of what a plan reviews.
 *
 * <pre>{@code
 * replica.promoteReplica().maxLagBytes(16 << 20).catchUpTimeout(Duration.ofSeconds(5))
 * }</pre>
 *
 * @param planned true: the old primary is reachable and is fenced first; false: it is gone and the caller
 *     accepted losing what the candidate never received
 * @param maxLagBytes planned: the most bytes the candidate may be behind the old primary before fencing
 *     (it then waits to apply exactly the fenced position); unplanned: the most bytes received but not yet
 *     applied
 * @param catchUpTimeout how long the old primary may stay fenced while the candidate applies its final
 *     position (then the promotion is abandoned and the old primary unfenced)
 * @param fenceTimeout how long fencing (read-only, ending sessions) may take
 * @param promoteTimeout how long the promotion itself may take
 * @param dataLossReason unplanned mode's acknowledgement, recorded in the plan and the audit (null when
 *     planned)
 * @param writeProbe a statement run in a rolled-back transaction on the new primary to prove it takes
 *     writes (PostgreSQL needs none: {@code SELECT txid_current()} is used); null for none
 * @param hooks the caller's hooks by stage and name ({@code beforePromote:pause-scheduler}, {@code
 *     afterPromote:repoint-pgbouncer}, {@code haManager:patroni-switchover})
 */
public record PromotionSettings(
        boolean planned,
        long maxLagBytes,
        Duration catchUpTimeout,
        Duration fenceTimeout,
        Duration promoteTimeout,
        String dataLossReason,
        String writeProbe,
        List<String> hooks) {

    static final long DEFAULT_MAX_LAG_BYTES = 16L * 1024 * 1024;

    public PromotionSettings {
        if (maxLagBytes < 0) {
            throw new IllegalArgumentException("maxLagBytes must be >= 0, was " + maxLagBytes);
        }
        positive("catchUpTimeout", catchUpTimeout);
        positive("fenceTimeout", fenceTimeout);
        positive("promoteTimeout", promoteTimeout);
        if (!planned && (dataLossReason == null || dataLossReason.isBlank())) {
            throw new IllegalArgumentException("unplanned promotion needs a reason that accepts the data loss");
        }
        hooks = hooks == null ? List.of() : List.copyOf(hooks);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    static PromotionSettings defaults() {
        return new PromotionSettings(
                true,
                DEFAULT_MAX_LAG_BYTES,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                null,
                null,
                List.of());
    }

    PromotionSettings withMaxLagBytes(long b) {
        return new PromotionSettings(
                planned, b, catchUpTimeout, fenceTimeout, promoteTimeout, dataLossReason, writeProbe, hooks);
    }

    PromotionSettings withTimeouts(Duration catchUp, Duration fence, Duration promote) {
        return new PromotionSettings(planned, maxLagBytes, catchUp, fence, promote, dataLossReason, writeProbe, hooks);
    }

    PromotionSettings unplanned(String reason, long maxLag) {
        return new PromotionSettings(
                false, maxLag, catchUpTimeout, fenceTimeout, promoteTimeout, reason, writeProbe, hooks);
    }

    PromotionSettings withWriteProbe(String sql) {
        return new PromotionSettings(
                planned, maxLagBytes, catchUpTimeout, fenceTimeout, promoteTimeout, dataLossReason, sql, hooks);
    }

    PromotionSettings withHook(String stageAndName) {
        List<String> more = new java.util.ArrayList<>(hooks);
        if (more.contains(stageAndName)) {
            throw new IllegalArgumentException(
                    "hook '" + stageAndName + "' is already set; give each hook its own name");
        }
        more.add(stageAndName);
        return new PromotionSettings(
                planned, maxLagBytes, catchUpTimeout, fenceTimeout, promoteTimeout, dataLossReason, writeProbe, more);
    }
}
