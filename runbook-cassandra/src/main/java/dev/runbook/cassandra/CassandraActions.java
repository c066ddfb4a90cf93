package dev.runbook.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.Node;
import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.TargetUnavailableException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Cassandra entry point: node status (the seed's {@code nodetool status}) and cluster health (schema
 * agreement, can each keyspace still reach LOCAL_QUORUM and QUORUM with the nodes that are up) through
 * the java-driver. Read-only: this module has probes and conditions, no actions.
 *
 * <pre>{@code
 * try (CassandraActions cassandra = CassandraActions.connect("10.0.0.11:9042,10.0.0.12:9042", "dc1")) {
 *     cassandra.nodeStatus().read();      // UN 10.0.0.11 ..., DN 10.0.0.13 ...
 *     cassandra.clusterHealth().read();   // schema agreement, per keyspace: QUORUM 2 of 3 live, ...
 * }
 * }</pre>
 */
public final class CassandraActions implements AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final CqlSession session;
    private final boolean owned;
    private final String target;

    private CassandraActions(CqlSession session, boolean owned, String target) {
        this.session = session;
        this.owned = owned;
        this.target = target;
    }

    /**
     * Your session (authentication, TLS, your driver configuration); {@link #close()} leaves it open.
     *
     * @throws IllegalArgumentException if the session's local data center has no node
     */
    public static CassandraActions of(CqlSession session) {
        Objects.requireNonNull(session, "session");
        String dc = CassandraSessions.localDatacenter(session);
        CassandraSessions.requireKnownDatacenter(session, dc, session.getName());
        return new CassandraActions(session, false, "cassandra " + session.getName());
    }

    /**
     * A session to the cluster through {@code contactPoints} ({@code "host:port"}, comma-separated: {@code
     * "10.0.0.11:9042,10.0.0.12:9042"}) with {@code localDatacenter} as the driver's local data center, 10 s
     * to connect and per query. Close it when done.
     *
     * @throws IllegalArgumentException if a contact point is not {@code host:port}, or no node is in {@code
     *     localDatacenter} (the message lists the cluster's data centers)
     * @throws TargetUnavailableException if no contact point answered within the timeout
     */
    public static CassandraActions connect(String contactPoints, String localDatacenter) {
        return connect(contactPoints, localDatacenter, DEFAULT_TIMEOUT);
    }

    /** As {@link #connect(String, String)}, with {@code timeout} to connect and per query. */
    public static CassandraActions connect(String contactPoints, String localDatacenter, Duration timeout) {
        List<InetSocketAddress> points = CassandraSessions.parseContactPoints(contactPoints);
        if (localDatacenter == null || localDatacenter.isBlank()) {
            throw new IllegalArgumentException("name the local data center (the nodes' dc in nodetool status,"
                    + " such as 'datacenter1' for SimpleSnitch)");
        }
        Objects.requireNonNull(timeout, "timeout");
        String target = "cassandra " + contactPoints.trim();
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, timeout)
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                // a connection to every node, also in remote data centers: the driver knows a node's
                // state from its connections, and would leave remote nodes UNKNOWN without them
                .withInt(DefaultDriverOption.LOAD_BALANCING_DC_FAILOVER_MAX_NODES_PER_REMOTE_DC, 10_000)
                .build();
        CompletionStage<CqlSession> stage = CqlSession.builder()
                .addContactPoints(points)
                .withLocalDatacenter(localDatacenter.trim())
                .withConfigLoader(config)
                .buildAsync();
        CqlSession session;
        try {
            // the driver gives up on its own; this bound is for a contact point that never answers at all
            session = stage.toCompletableFuture().get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stage.thenAccept(CqlSession::closeAsync);
            throw unavailable(target, "did not answer within " + timeout, e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof AllNodesFailedException all) {
                throw unavailable(target, describe(all), all);
            }
            throw unavailable(target, "failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted connecting to " + target, e);
        }
        try {
            CassandraSessions.requireKnownDatacenter(session, localDatacenter.trim(), target);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return new CassandraActions(session, true, target);
    }

    // ---- probes

    /**
     * The seed's {@code nodetool status}: every node's up/down state as the driver sees it, its gossip status
     * (NORMAL, LEAVING, JOINING, ...) as one live node sees it, data center, rack, host id, token count and
     * schema version.
     */
    public Probe<NodeStatus> nodeStatus() {
        return Probe.of(target + " node status", () -> guard(() -> NodeStatus.read(session)));
    }

    /**
     * Schema agreement, nodes up and down per data center, and whether each keyspace (those not named
     * {@code system*}) can still reach QUORUM and LOCAL_QUORUM in each of its data centers with the nodes
     * that are up.
     */
    public Probe<ClusterHealth> clusterHealth() {
        return Probe.of(target + " cluster health", () -> guard(() -> ClusterHealth.read(session, List.of())));
    }

    /**
     * As {@link #clusterHealth()}, for the named keyspaces only (system keyspaces may be named); a keyspace
     * the cluster does not have fails the read with a {@code RefusedException} listing those it has.
     */
    public Probe<ClusterHealth> clusterHealth(String... keyspaces) {
        List<String> names = new ArrayList<>();
        for (String k : keyspaces) {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("a keyspace name is blank");
            }
            names.add(k.trim());
        }
        return Probe.of(target + " cluster health of " + names, () -> guard(() -> ClusterHealth.read(session, names)));
    }

    // ---- conditions

    /** The seed's trigger: at least one node is DOWN to the driver ({@code DN} in nodetool status). */
    public static Condition<NodeStatus> aNodeIsDown() {
        return Condition.of("a node is down (DN)", NodeStatus::anyDown);
    }

    /**
     * The seed's other symptom, "a UN missing": fewer than {@code expected} nodes are UP and NORMAL (a node
     * that was removed, or never joined, is not listed at all, so {@link #aNodeIsDown()} cannot see it).
     *
     * @throws IllegalArgumentException if {@code expected} is below 1
     */
    public static Condition<NodeStatus> fewerUpNormalThan(int expected) {
        if (expected < 1) {
            throw new IllegalArgumentException("expected must be >= 1, was " + expected);
        }
        return Condition.of(
                "fewer than " + expected + " nodes UN",
                s -> s.nodes().stream().filter(n -> n.code().equals("UN")).count() < expected);
    }

    /** Every node the cluster knows is UP to the driver. */
    public static Condition<NodeStatus> allNodesUp() {
        return Condition.of("all nodes up (UN)", NodeStatus::allUp);
    }

    /** Every keyspace can reach LOCAL_QUORUM in each data center it is replicated to. */
    public static Condition<ClusterHealth> everyKeyspaceReachesLocalQuorum() {
        return Condition.of("every keyspace reaches LOCAL_QUORUM", ClusterHealth::everyKeyspaceReachesLocalQuorum);
    }

    /**
     * Schema agreement, and every keyspace would still reach LOCAL_QUORUM with one more node down in any of
     * its data centers: taking one node down for a restart keeps every keyspace available.
     */
    public static Condition<ClusterHealth> safeToRestartOneNode() {
        return Condition.of("safe to restart one node", ClusterHealth::safeToRestartOneNode);
    }

    /** The driver session (for your own queries). */
    public CqlSession session() {
        return session;
    }

    /** Closes the session if {@code connect} opened it; a session given to {@code of} stays open. */
    @Override
    public void close() {
        if (owned) {
            session.close();
        }
    }

    @Override
    public String toString() {
        return "CassandraActions[" + target + "]";
    }

    private <T> T guard(java.util.function.Supplier<T> read) {
        try {
            try {
                return read.get();
            } catch (AllNodesFailedException first) {
                // A node that died a moment ago can still be in the query plan (the driver marks it down
                // within about 0.1 s, measured): during an incident that is exactly when a probe reads, so
                // read once more after that, routed to the nodes still up, before calling it unavailable.
                Thread.sleep(250);
                return read.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException(target + ": interrupted while reading", e, true);
        } catch (AllNodesFailedException e) {
            throw unavailable(target, describe(e), e);
        } catch (DriverException e) {
            throw new TargetUnavailableException(
                    target + " failed: " + e.getMessage()
                            + "; check the nodes with nodetool status, or raise the timeout"
                            + " (CassandraActions.connect(points, dc, timeout))",
                    e,
                    true);
        }
    }

    private static TargetUnavailableException unavailable(String target, String what, Throwable cause) {
        return new TargetUnavailableException(
                target + " " + what + "; is the node up and is this its"
                        + " native_transport_port (9042 by default)? Check it with nodetool status on another node,"
                        + " or give more contact points: CassandraActions.connect(\"host1:9042,host2:9042\", dc)",
                cause,
                true);
    }

    private static String describe(AllNodesFailedException e) {
        Set<String> errors = new TreeSet<>();
        for (var entry : e.getAllErrors().entrySet()) {
            Node node = entry.getKey();
            for (Throwable t : entry.getValue()) {
                errors.add(node.getEndPoint() + ": " + rootMessage(t));
            }
        }
        return "did not answer: " + (errors.isEmpty() ? e.getMessage() : String.join("; ", errors));
    }

    private static String rootMessage(Throwable t) {
        // the driver wraps the socket's error (Connection refused, ...) in channel exceptions
        Set<String> messages = new java.util.LinkedHashSet<>();
        for (Throwable c = t; c != null && messages.size() < 4; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.nio.channels.ClosedChannelException) {
                messages.add("connection refused or closed before the CQL handshake");
            } else if (c.getMessage() != null) {
                messages.add(c.getMessage());
            }
        }
        return messages.isEmpty() ? t.getClass().getSimpleName() : String.join(": ", messages);
    }
}
