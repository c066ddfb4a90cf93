package dev.runbook.redis;

import dev.runbook.core.Probe;
import dev.runbook.core.Secret;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;

/**
 * The Redis remediation kit: key scans and deletes, memory and keyspace probes, config, keys and replica
 * promotion, on a standalone node or a cluster.
 *
 * <pre>{@code
 * try (var redis = RedisActions.connect("redis://127.0.0.1:6379")) {
 *     System.out.println(redis.keyspaceSample(1000).read());
 *     var flush = redis.scanDelete("cache:wms:stock:*").rate(50_000);
 *     var plan = flush.plan(ActionContext.standalone());
 * }
 * }</pre>
 *
 * <p>Closing it closes only what it opened itself: a client given by the user stays open.
 */
public final class RedisActions implements AutoCloseable {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final RedisTarget target;

    private RedisActions(RedisTarget target) {
        this.target = target;
    }

    /**
     * Connects to one node, for JShell: {@code redis://host:port[/db]}. The connection opens on first use.
     *
     * @throws IllegalArgumentException for a malformed URI
     */
    public static RedisActions connect(String uri) {
        RedisURI u = quiet(parse(uri));
        u.setTimeout(DEFAULT_TIMEOUT);
        RedisClient client = RedisClient.create(u);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build());
        return new RedisActions(RedisTarget.of(client, label(u), true).withUri(u));
    }

    /** Connects to one node with a password that never prints. */
    public static RedisActions connect(String uri, Secret password) {
        RedisURI u = RedisURI.builder(quiet(parse(uri)))
                .withAuthentication(
                        new StaticCredentialsProvider(null, password.reveal().toCharArray()))
                .withTimeout(DEFAULT_TIMEOUT)
                .build();
        return connect(u);
    }

    /** Connects to one node described by a {@link RedisURI}. */
    public static RedisActions connect(RedisURI uri) {
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build());
        return new RedisActions(RedisTarget.of(client, label(uri), true).withUri(uri));
    }

    /** Connects to a Redis Cluster through one of its nodes: {@code redis://host:port}. */
    public static RedisActions connectCluster(String uri) {
        RedisURI u = quiet(parse(uri));
        u.setTimeout(DEFAULT_TIMEOUT);
        RedisClusterClient client = RedisClusterClient.create(u);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder();
        options.maintNotificationsConfig(MaintNotificationsConfig.disabled());
        client.setOptions(options.build());
        return new RedisActions(RedisTarget.of(client, "cluster " + label(u), true));
    }

    /** Uses the user's client, created with a URI ({@code RedisClient.create("redis://...")}). */
    public static RedisActions of(RedisClient client) {
        return new RedisActions(RedisTarget.of(client, null, false));
    }

    /**
     * Uses the user's open connection. Deletes then share it (no dedicated connection), so prefer {@link
     * #of(RedisClient)} for large deletes.
     */
    public static RedisActions of(StatefulRedisConnection<String, String> connection) {
        return new RedisActions(RedisTarget.of(connection));
    }

    /** Uses the user's cluster client. */
    public static RedisActions of(RedisClusterClient client) {
        return new RedisActions(RedisTarget.of(client, null, false));
    }

    /**
     * A Redis URI, or a refusal that shows the URI meant: {@code 127.0.0.1:6379} gives "write
     * redis://127.0.0.1:6379", where Lettuce says "Illegal character in scheme name".
     */
    static RedisURI parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(
                    "no Redis URI given; write redis://host:port, such as redis://127.0.0.1:6379");
        }
        if (!uri.contains("://")) {
            throw new IllegalArgumentException("'" + uri + "' is not a Redis URI; write redis://" + uri
                    + " (rediss:// for TLS, redis://host:port/2 for database 2)");
        }
        try {
            return RedisURI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + uri + "' is not a Redis URI (" + e.getMessage()
                            + "); write redis://host:port[/database], such as redis://127.0.0.1:6379",
                    e);
        }
    }

    /**
     * No {@code CLIENT SETINFO} on connect: servers before 7.2 answer it with an error, which Lettuce logs
     * and the server counts in {@code errorstat_ERR}, an alert some teams watch during the very incident
     * this library is used in (for the same reason the clients this class builds turn off Lettuce 7's
     * maintenance notifications, whose {@code CLIENT MAINT_NOTIFICATIONS} servers before 8 reject). Only
     * for URIs and clients this class builds; a user's own URI or client is left as is.
     */
    private static RedisURI quiet(RedisURI u) {
        u.setLibraryName("");
        u.setLibraryVersion("");
        return u;
    }

    private static String label(RedisURI u) {
        return "redis://" + u.getHost() + ":" + u.getPort() + (u.getDatabase() == 0 ? "" : "/" + u.getDatabase());
    }

    /**
     * Deletes the keys matching {@code pattern} with SCAN and UNLINK; see {@link ScanDeleteByPattern}.
     * The pattern is checked when planning.
     */
    public ScanDeleteByPattern scanDelete(String pattern) {
        return new ScanDeleteByPattern(target, ScanDeleteSettings.defaults(pattern));
    }

    /**
     * How many keys match {@code pattern} ({@code SCAN MATCH}, read-only, on every node that holds keys),
     * protected or not. SCAN may count a key twice while the server resizes its keyspace.
     *
     * @throws IllegalArgumentException for an empty pattern
     */
    public Probe<Long> countKeys(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("name a SCAN MATCH pattern, such as 'orders:cache:*'");
        }
        return Probe.of(
                target.name() + " keys matching '" + pattern + "' (SCAN)",
                target.endpoint(),
                () -> target.call("count keys matching '" + pattern + "'", () -> {
                    long n = 0;
                    for (RedisTarget.Node<String> node : target.nodes().list()) {
                        KeyScan<String> scan = new KeyScan<>(node.connection(), pattern, 1000, null);
                        do {
                            n += scan.next().size();
                        } while (!scan.finished());
                    }
                    return n;
                }));
    }

    /** Samples {@code keys} keys: histogram by prefix, memory per prefix, biggest keys. */
    public Probe<KeyspaceSample> keyspaceSample(int keys) {
        return KeyspaceSample.probe(target, keys, ":", 10);
    }

    /** {@code INFO memory} and {@code INFO stats}: used, maxmemory, ratio, evictions, misses. */
    public Probe<MemoryInfo> memory() {
        return MemoryInfo.probe(target);
    }

    /** {@code LLEN key}: the depth of a queue such as {@code dispatch:queue:HCMC}. */
    public Probe<Long> listLength(String key) {
        return Probe.of(
                target.name() + " LLEN " + key,
                target.endpoint(),
                () -> target.call("LLEN " + key, () -> target.sync().llen(key)));
    }

    /** {@code INFO replication}: role, link, offsets, lag. */
    public Probe<ReplicationInfo> replication() {
        return ReplicationInfo.probe(target);
    }

    /** {@code CONFIG SET parameter value}, recording the previous value for the inverse. */
    public SetConfig setConfig(String parameter, String value) {
        return new SetConfig(target, parameter, value);
    }

    /**
     * {@code CONFIG SET parameter value} for a secret such as {@code requirepass} or {@code masterauth}: the
     * value never prints, and the change has no inverse (the old value is not recorded).
     */
    public SetConfig setConfig(String parameter, Secret value) {
        return new SetConfig(target, parameter, value.reveal());
    }

    /** {@code SET key value} (no TTL), recording the previous value and TTL for the inverse. */
    public SetKey setKey(String key, String value) {
        return new SetKey(target, key, value, 0);
    }

    /** {@code REPLICAOF NO ONE} on this node when it is a healthy, caught-up replica. */
    public PromoteReplica promoteReplica() {
        return new PromoteReplica(target, PromoteReplica.DEFAULT_MAX_LAG_BYTES);
    }

    /** The node or cluster, for people. */
    public String name() {
        return target.name();
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "RedisActions[" + target.name() + "]";
    }
}
