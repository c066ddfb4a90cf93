package dev.runbook.redis;

import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Redis an action works on: a standalone node (from a client or an open connection) or a cluster.
 * Opens connections lazily and turns Lettuce failures into the library's exceptions.
 */
final class RedisTarget implements AutoCloseable {
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final boolean ownsClient;
    private volatile String name;
    private StatefulRedisConnection<String, String> shared;
    private StatefulRedisClusterConnection<String, String> sharedCluster;
    private final boolean ownsShared;
    private volatile RedisURI uri;
    private volatile boolean closed;
    private volatile dev.runbook.core.Endpoint endpoint;

    private RedisTarget(
            RedisClient client,
            RedisClusterClient clusterClient,
            StatefulRedisConnection<String, String> shared,
            String name,
            boolean ownsClient) {
        this.client = client;
        this.clusterClient = clusterClient;
        this.shared = shared;
        this.ownsShared = shared == null;
        this.name = name;
        this.ownsClient = ownsClient;
    }

    static RedisTarget of(RedisClient client, String name, boolean owns) {
        return new RedisTarget(client, null, null, name, owns);
    }

    static RedisTarget of(StatefulRedisConnection<String, String> connection) {
        return new RedisTarget(null, null, connection, null, false);
    }

    static RedisTarget of(RedisClusterClient client, String name, boolean owns) {
        return new RedisTarget(null, client, null, name, owns);
    }

    /** Remembers the URI the client was made from, so that a peer (the primary) can be reached alike. */
    RedisTarget withUri(RedisURI u) {
        this.uri = u;
        return this;
    }

    /**
     * Runs {@code body} on a short-lived connection to another node (a replica's primary), with the same
     * credentials and timeout as this target.
     */
    <T> T onPeer(String host, int port, java.util.function.Function<RedisCommands<String, String>, T> body) {
        requireOpen();
        RedisURI base = uri != null ? uri : RedisURI.create("redis://" + host + ":" + port);
        RedisURI peer = RedisURI.builder(base).withHost(host).withPort(port).build();
        RedisClient c = RedisClient.create(peer);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            return body.apply(conn.sync());
        } finally {
            c.shutdown();
        }
    }

    /**
     * This node or cluster as the engine checks it once per plan: one PING (for a cluster, its topology),
     * named like {@link #name()} so that every action and probe on it shares one check.
     */
    dev.runbook.core.Endpoint endpoint() {
        dev.runbook.core.Endpoint e = endpoint;
        if (e == null) {
            Object handle = client != null ? client : clusterClient != null ? clusterClient : shared;
            String id =
                    name != null ? name : "redis (client " + Integer.toHexString(System.identityHashCode(handle)) + ")";
            e = dev.runbook.core.Endpoint.of(
                    id,
                    timeout -> call("answer PING", () -> {
                        if (isCluster()) {
                            nodes();
                            return null;
                        }
                        return sync().ping();
                    }));
            endpoint = e;
        }
        return e;
    }

    /**
     * Refuses use after {@link #close()} with the way out, instead of the client's "event executor group
     * is terminated".
     */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this RedisActions (" + label() + ") was closed; open a new one with"
                    + " RedisActions.connect(\"redis://host:port\") or RedisActions.of(client), and close it when"
                    + " the runbook is done (not before applying its plan)");
        }
    }

    boolean isCluster() {
        return clusterClient != null;
    }

    /** For people: {@code redis://127.0.0.1:6379}, never with a password. */
    String name() {
        String n = name;
        if (n == null) {
            n = call("read the server address", () -> {
                String info = sync().clientInfo();
                for (String part : info.split(" ", -1)) {
                    if (part.startsWith("laddr=")) {
                        return "redis://" + part.substring("laddr=".length());
                    }
                }
                return "redis";
            });
            name = n;
        }
        return n;
    }

    /** Commands on the standalone node (the shared connection). */
    synchronized RedisCommands<String, String> sync() {
        requireOpen();
        if (isCluster()) {
            throw new IllegalStateException(
                    "this command runs on one node; use RedisActions.connect(\"redis://host:port\") for each cluster"
                            + " node of " + name);
        }
        if (shared == null) {
            shared = call("connect", client::connect);
        }
        return shared.sync();
    }

    /** Connections to every node that holds keys (the node itself, or every cluster master), shared. */
    Nodes<String> nodes() {
        requireOpen();
        if (!isCluster()) {
            sync();
            return new Nodes<>(List.of(new Node<>(name(), shared)), false, () -> {}, KeyKind.STRING);
        }
        synchronized (this) {
            if (sharedCluster == null) {
                sharedCluster = call("connect", clusterClient::connect);
            }
        }
        return masters(sharedCluster, false, KeyKind.STRING);
    }

    /**
     * New connections to every node that holds keys, with binary keys (no decoding, any key bytes),
     * closed with the returned {@link Nodes}. A target made from the user's open connection has no client
     * to open more: it falls back to that shared connection.
     */
    Nodes<?> dedicatedNodes() {
        requireOpen();
        if (isCluster()) {
            StatefulRedisClusterConnection<byte[], byte[]> cc =
                    call("connect", () -> clusterClient.connect(ByteArrayCodec.INSTANCE));
            return masters(cc, true, KeyKind.BYTES);
        }
        if (client == null) {
            return nodes();
        }
        StatefulRedisConnection<byte[], byte[]> c = call("connect", () -> client.connect(ByteArrayCodec.INSTANCE));
        return new Nodes<>(List.of(new Node<>(name(), c)), true, c::close, KeyKind.BYTES);
    }

    private <K> Nodes<K> masters(StatefulRedisClusterConnection<K, K> conn, boolean dedicated, KeyKind<K> kind) {
        List<Node<K>> masters = new ArrayList<>();
        call("read the cluster's masters", () -> {
            for (RedisClusterNode n : conn.getPartitions()) {
                if (n.getRole().isUpstream() && !n.getSlots().isEmpty()) {
                    String hostPort = n.getUri().getHost() + ":" + n.getUri().getPort();
                    masters.add(new Node<>(hostPort, conn.getConnection(n.getNodeId())));
                }
            }
            return null;
        });
        return new Nodes<>(List.copyOf(masters), dedicated, dedicated ? conn::close : () -> {}, kind);
    }

    /** Runs a Redis call, turning Lettuce's failures into the library's exceptions that name the way out. */
    <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (RedisCommandExecutionException e) {
            throw commandFailed(what, e);
        } catch (RedisCommandTimeoutException e) {
            throw new TargetUnavailableException(
                    label() + " did not answer in time to " + what + " (" + e.getMessage()
                            + "); check that the server is running and not blocked, then run again",
                    e,
                    true);
        } catch (RedisException e) {
            String msg = String.valueOf(rootMessage(e));
            String upper = msg.toUpperCase(Locale.ROOT);
            if (upper.contains("WRONGPASS") || upper.contains("NOAUTH") || upper.contains("AUTH")) {
                throw new TargetUnavailableException(
                        label() + " refused authentication (" + msg + "); check the password given to"
                                + " RedisActions.connect(uri, Secret.of(...)) or the client's RedisURI",
                        e,
                        false);
            }
            throw new TargetUnavailableException(
                    label() + " could not " + what + ": " + msg
                            + "; check that the server is running and reachable, then run again",
                    e,
                    true);
        }
    }

    private RuntimeException commandFailed(String what, RedisCommandExecutionException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.startsWith("READONLY")) {
            return new RefusedException(
                    label() + " is a read-only replica (" + msg + "); run the action against the primary");
        }
        if (msg.startsWith("NOAUTH") || msg.startsWith("WRONGPASS")) {
            return new TargetUnavailableException(
                    label() + " refused authentication (" + msg + "); check the password", e, false);
        }
        return new RefusedException(label() + " rejected the command to " + what + ": " + msg, e);
    }

    private String label() {
        return name != null ? name : client != null || clusterClient != null ? "redis" : "redis connection";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ownsShared && shared != null) {
            shared.close();
            shared = null;
        }
        if (sharedCluster != null) {
            sharedCluster.close();
            sharedCluster = null;
        }
        if (ownsClient) {
            if (client != null) {
                client.shutdown();
            }
            if (clusterClient != null) {
                clusterClient.shutdown();
            }
        }
    }

    /** One node that holds keys, and its connection. */
    record Node<K>(String name, StatefulRedisConnection<K, K> connection) {}

    /** Node connections, closed together; dedicated ones may be switched to manual flushing. */
    record Nodes<K>(List<Node<K>> list, boolean dedicated, Runnable closer, KeyKind<K> kind) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}
