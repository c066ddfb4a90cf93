package dev.runbook.redis;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import java.util.Locale;
import java.util.Map;

/**
 * Promotes a replica to primary with {@code REPLICAOF NO ONE}, only when its link to the primary is up
 * and its replication offset is within {@link #maxLagBytes(long)} of the primary's, so that promotion
 * loses at most that much. On a node that already is a primary it does nothing.
 *
 * <pre>{@code
 * var replica = RedisActions.connect("redis://10.0.0.2:6379");
 * StepPlan plan = replica.promoteReplica().maxLagBytes(0).plan(ctx);
 * }</pre>
 *
 * <p>Throws {@link RefusedException} from {@link #plan} or {@link #apply} when the link is down, the primary
 *     cannot be read, or the replica lags more than the limit
 */
public final class PromoteReplica implements Action {
    static final long DEFAULT_MAX_LAG_BYTES = 1024 * 1024;

    private final RedisTarget redis;
    private final long maxLagBytes;

    PromoteReplica(RedisTarget redis, long maxLagBytes) {
        this.redis = redis;
        this.maxLagBytes = maxLagBytes;
    }

    /**
     * The most replication bytes the replica may be behind its primary (default 1 MiB).
     *
     * @throws IllegalArgumentException if negative
     */
    public PromoteReplica maxLagBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxLagBytes must be >= 0, was " + bytes);
        }
        return new PromoteReplica(redis, bytes);
    }

    /**
     * The node's role as the plan records it (offsets move all the time and are in the details).
     *
     * @param node the node
     * @param role master or slave
     * @param primary the primary it replicates from, host:port, or null
     */
    public record Role(String node, String role, String primary) {}

    @Override
    public String type() {
        return "redis.promoteReplica";
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(redis.endpoint());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("nodes");
    }

    @Override
    public String target() {
        return redis.name() + " role";
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param maxLagBytes the most replication bytes the replica may be behind
     */
    public record Params(long maxLagBytes) {}

    @Override
    public Params parameters() {
        return new Params(maxLagBytes);
    }

    private Role role(ReplicationInfo r) {
        return new Role(redis.name(), r.role(), r.isReplica() ? r.masterHost() + ":" + r.masterPort() : null);
    }

    /** Checks link and lag; returns the lag in bytes. */
    private long checkCaughtUp(ReplicationInfo r) {
        String primary = r.masterHost() + ":" + r.masterPort();
        if (!r.linkUp()) {
            throw new RefusedException("replica " + redis.name() + " has its link to primary " + primary
                    + " down (last contact " + r.lastIoSecondsAgo() + " s ago); promoting it could lose writes it"
                    + " never received. Bring the link up (or check the primary) and plan again");
        }
        long primaryOffset;
        try {
            primaryOffset = redis.onPeer(
                    r.masterHost(), r.masterPort(), c -> ReplicationInfo.parse(RedisInfo.parse(c.info("replication")))
                            .offset());
        } catch (RuntimeException e) {
            throw new RefusedException(
                    "cannot read the offset of primary " + primary + " to compare with replica " + redis.name() + " ("
                            + e.getMessage() + "); check the primary and plan again",
                    e);
        }
        long lag = Math.max(0, primaryOffset - r.offset());
        if (lag > maxLagBytes) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "replica %s is %,d bytes behind primary %s (offset %,d vs %,d), more than maxLagBytes %,d; wait"
                            + " for it to catch up (or raise .maxLagBytes) and plan again",
                    redis.name(),
                    lag,
                    primary,
                    r.offset(),
                    primaryOffset,
                    maxLagBytes));
        }
        return lag;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ReplicationInfo r = ReplicationInfo.read(redis);
        if (!r.isReplica()) {
            return StepPlan.unchanged(this, redis.name() + " is already a primary (role " + r.role() + ")", role(r));
        }
        long lag = checkCaughtUp(r);
        return StepPlan.builder(this)
                .summary("promote replica " + redis.name() + " of " + r.masterHost() + ":" + r.masterPort()
                        + " to primary (REPLICAOF NO ONE), " + lag + " bytes behind")
                .before(role(r))
                .after(new Role(redis.name(), "master", null))
                .blastRadius("nodes", 1)
                .warning("clients and other replicas still point at " + r.masterHost() + ":" + r.masterPort()
                        + "; repoint them, and stop the old primary taking writes")
                .details(Map.of("lagBytes", lag, "replicaOffset", r.offset()))
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ReplicationInfo r = ReplicationInfo.read(redis);
        if (plan.isNoop() && !r.isReplica()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        plan.requireUnchanged(role(r));
        long lag = checkCaughtUp(r);
        redis.call("REPLICAOF NO ONE", () -> redis.sync().replicaofNoOne());
        ReplicationInfo after = ReplicationInfo.read(redis);
        if (after.isReplica()) {
            throw new TargetUnavailableException(
                    redis.name() + " still reports role slave after REPLICAOF NO ONE; check its log", null, true);
        }
        return ApplyResult.changed("promoted " + redis.name() + " to primary (was " + lag + " bytes behind "
                        + r.masterHost() + ":" + r.masterPort() + ")")
                .count("nodes", 1)
                .details(after)
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ReplicationInfo r = ReplicationInfo.read(redis);
        return r.isReplica()
                ? Verification.failed(redis.name() + " is still a replica of " + r.masterHost(), r)
                : Verification.passed(redis.name() + " is a primary", r);
    }

    @Override
    public String toString() {
        return "PromoteReplica[" + redis.name() + ", maxLagBytes=" + maxLagBytes + "]";
    }
}
