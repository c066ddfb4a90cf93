package dev.runbook.redis;

import dev.runbook.core.RefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node's identity as a plan records it: its address, run id (new after a restart) and role.
 *
 * <pre>{@code
 * new NodeState("127.0.0.1:6379", "6b0c...", "master")
 * }</pre>
 *
 * @param node host:port
 * @param runId the server's {@code run_id}
 * @param role {@code master} or {@code slave}
 */
public record NodeState(String node, String runId, String role) {

    /**
     * Reads every node's state and refuses when one is a replica.
     *
     * @throws RefusedException naming the replica and its primary
     */
    static List<NodeState> readAll(RedisTarget redis, RedisTarget.Nodes<?> nodes) {
        List<NodeState> out = new ArrayList<>();
        for (RedisTarget.Node<?> n : nodes.list()) {
            Map<String, String> info = redis.call(
                    "read INFO",
                    () -> RedisInfo.parse(n.connection().sync().info("server") + "\n"
                            + n.connection().sync().info("replication")));
            String role = info.getOrDefault("role", "unknown");
            if (!"master".equals(role)) {
                throw new RefusedException(n.name() + " is a replica (role " + role + ") of "
                        + info.get("master_host") + ":" + info.get("master_port")
                        + "; replicas are read-only: run the action against the primary redis://"
                        + info.get("master_host") + ":" + info.get("master_port"));
            }
            out.add(new NodeState(n.name(), info.get("run_id"), role));
        }
        return out;
    }
}
