package dev.runbook.redis;

import dev.runbook.core.Probe;
import java.util.Map;

/**
 * A node's replication state from {@code INFO replication}.
 *
 * <pre>{@code
 * ReplicationInfo r = redis.replication().read();
 * r.isReplica() && r.linkUp();
 * }</pre>
 *
 * @param role {@code master} or {@code slave}
 * @param masterHost the primary's host, for a replica
 * @param masterPort the primary's port, for a replica (0 otherwise)
 * @param linkUp whether a replica's link to its primary is up
 * @param offset the replication offset this node has reached
 * @param connectedReplicas replicas attached to this node
 * @param lastIoSecondsAgo seconds since a replica last heard from its primary (-1 unknown)
 */
public record ReplicationInfo(
        String role,
        String masterHost,
        int masterPort,
        boolean linkUp,
        long offset,
        long connectedReplicas,
        long lastIoSecondsAgo) {

    static Probe<ReplicationInfo> probe(RedisTarget redis) {
        return Probe.of(redis.name() + " replication", redis.endpoint(), () -> read(redis));
    }

    static ReplicationInfo read(RedisTarget redis) {
        return redis.call(
                "read INFO replication",
                () -> parse(RedisInfo.parse(redis.sync().info("replication"))));
    }

    static ReplicationInfo parse(Map<String, String> i) {
        String role = i.getOrDefault("role", "unknown");
        boolean replica = "slave".equals(role);
        return new ReplicationInfo(
                role,
                i.get("master_host"),
                (int) RedisInfo.number(i, "master_port"),
                replica && "up".equals(i.get("master_link_status")),
                RedisInfo.number(i, replica ? "slave_repl_offset" : "master_repl_offset"),
                RedisInfo.number(i, "connected_slaves"),
                i.containsKey("master_last_io_seconds_ago") ? RedisInfo.number(i, "master_last_io_seconds_ago") : -1);
    }

    /** Whether this node replicates from a primary. */
    public boolean isReplica() {
        return "slave".equals(role);
    }
}
