package dev.runbook.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.runbook.core.RunbookException;
import dev.runbook.core.TargetUnavailableException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The client and database the actions use, its name for messages ({@code mongodb 127.0.0.1:27017/smp}),
 * and the one place where driver exceptions become the library's.
 */
final class MongoTarget {
    private final MongoClient client;
    private final MongoDatabase database;
    private final String name;
    private final boolean owned;

    MongoTarget(MongoClient client, String database, boolean owned) {
        this.client = Objects.requireNonNull(client, "client");
        if (database == null || database.isBlank()) {
            throw new IllegalArgumentException("name the database, such as 'smp'");
        }
        this.database = client.getDatabase(database);
        this.name = "mongodb " + hosts(client) + "/" + database;
        this.owned = owned;
    }

    private static String hosts(MongoClient client) {
        List<ServerAddress> hosts =
                client.getClusterDescription().getClusterSettings().getHosts();
        return hosts.stream().map(ServerAddress::toString).collect(Collectors.joining(","));
    }

    MongoDatabase database() {
        return database;
    }

    /** {@code mongodb 127.0.0.1:27017/smp}: never a password. */
    String name() {
        return name;
    }

    /** Runs one driver call, turning its failure into a message that names the target and the call. */
    <T> T call(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (MongoException e) {
            throw map(e, what);
        }
    }

    RuntimeException map(MongoException e, String what) {
        String where = name + ": " + what;
        if (e instanceof MongoSecurityException
                || (e instanceof MongoCommandException c && (c.getErrorCode() == 13 || c.getErrorCode() == 18))) {
            return new TargetUnavailableException(
                    where + " was denied (" + e.getMessage() + "); check the user, password and roles in the"
                            + " connection string (MongoActions.connect(\"mongodb://user:pw@host/?authSource=admin\","
                            + " db)): the user needs find and update on the collection",
                    e,
                    false);
        }
        if (e instanceof MongoTimeoutException || e instanceof MongoSocketException) {
            return new TargetUnavailableException(
                    where + " failed: " + firstLine(e) + "; is the server up and reachable? rerun to resume", e, true);
        }
        if (e instanceof MongoInterruptedException) {
            return new RunbookException("interrupted during " + where, e);
        }
        return new TargetUnavailableException(where + " failed: " + firstLine(e), e, true);
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    void close() {
        if (owned) {
            client.close();
        }
    }
}
