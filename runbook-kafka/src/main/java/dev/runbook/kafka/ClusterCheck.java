package dev.runbook.kafka;

import dev.runbook.core.Endpoint;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A cluster as the engine checks it once per plan (see {@link Endpoint}): one {@code DescribeCluster}
 * with the engine's connect timeout, instead of every step waiting the admin client's 30 s API timeout.
 */
final class ClusterCheck {
    private ClusterCheck() {}

    /** {@code kafka host:port}, the same name for every action and probe of one {@link KafkaActions}. */
    static String name(Admin admin, Map<String, Object> clientConfig) {
        Object servers = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        return servers != null
                ? "kafka " + servers
                : "kafka (admin client " + Integer.toHexString(System.identityHashCode(admin)) + ")";
    }

    static Endpoint of(Admin admin, Map<String, Object> clientConfig) {
        String name = name(admin, clientConfig);
        return Endpoint.of(
                name,
                timeout -> KafkaErrors.await(
                        admin.describeCluster(new DescribeClusterOptions()
                                        .timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                                .clusterId(),
                        name,
                        "checking that the cluster answers"));
    }
}
