package dev.runbook.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;

/**
 * A real MongoDB wire-protocol server in this JVM (mongo-java-server's in-memory backend: no real mongod
 * can be installed on the project's machines), on a free loopback port, with the real driver. {@link
 * #shared()} is started once per test JVM; {@link #start()} gives a private one that a test may stop and
 * start again on the same port with the same data.
 */
final class TestMongo implements AutoCloseable {
    private static TestMongo shared;
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    private final KeptBackend backend = new KeptBackend();
    private MongoServer server;
    private final InetSocketAddress address;
    final MongoClient client;

    private TestMongo() {
        server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        address = server.getLocalAddress();
        client = client(address.getPort());
    }

    /** The in-memory data outlives a server stop, as a mongod's files do; the server's close drops it otherwise. */
    static final class KeptBackend extends MemoryBackend {
        @Override
        public void close() {
            // a stop (shutdownNow) keeps the data for the restart; the JVM's end frees it
        }
    }

    static synchronized TestMongo shared() {
        if (shared == null) {
            shared = new TestMongo();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    static TestMongo start() {
        return new TestMongo();
    }

    /** A client that gives up on a missing server after 2 s. */
    static MongoClient client(int port) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(2, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(2, TimeUnit.SECONDS))
                .build());
    }

    int port() {
        return address.getPort();
    }

    String uri() {
        return "mongodb://127.0.0.1:" + port();
    }

    MongoActions actions(String database) {
        return MongoActions.of(client, database);
    }

    /** Stops the server: every connection is cut; the data stays in the backend. */
    synchronized void stop() {
        server.shutdownNow();
    }

    /** Starts the server again on the same port with the same data. */
    synchronized void restart() {
        server = new MongoServer(backend);
        server.bind(address.getHostString(), address.getPort());
    }

    static String uniqueCollection(String prefix) {
        return prefix + "_" + COLLECTIONS.incrementAndGet();
    }

    /** Inserts {@code n} DLQ events {@code evt-<first+i>} of {@code type}, failed one second apart from {@code t0}. */
    static List<Document> events(int first, int n, String type, String error, Instant t0) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Document("event_id", "evt-" + (first + i))
                    .append("event_type", type)
                    .append("status", "dlq")
                    .append("error", error)
                    .append("created_at", java.util.Date.from(t0.plusSeconds(first + i)))
                    .append("payload", new Document("order_id", "ord-" + (first + i)).append("amount", 1000 + i)));
        }
        return out;
    }

    static void insert(MongoCollection<Document> c, List<Document> docs) {
        c.insertMany(docs);
    }

    @Override
    public synchronized void close() {
        client.close();
        server.shutdownNow();
    }
}
