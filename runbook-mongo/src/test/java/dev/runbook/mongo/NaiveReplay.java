package dev.runbook.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * The replay the seed runbook implies, for the benchmark: find every DLQ event, POST each to the admin
 * endpoint (as its {@code curl} loop does: no idempotency key), then one {@code updateMany} at the end.
 * As a child JVM ({@code NaiveReplay <mongoPort> <collection> <urlTemplate>}) it prints {@code replaying}
 * before the first POST.
 */
public final class NaiveReplay {
    private NaiveReplay() {}

    /** Replays every DLQ event of {@code collection}; returns how many were sent. */
    static int run(MongoClient client, String collection, String urlTemplate, Runnable beforeFirstPost)
            throws Exception {
        MongoCollection<Document> events = client.getDatabase("smp").getCollection(collection);
        List<String> ids = events.find(Filters.eq("status", "dlq"))
                .projection(Projections.include("event_id"))
                .map(d -> d.getString("event_id"))
                .into(new ArrayList<>());
        beforeFirstPost.run();
        HttpClient http = HttpClient.newHttpClient();
        for (String id : ids) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(urlTemplate.replace("{id}", id)))
                            .header("Authorization", AdminEndpoint.TOKEN)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("replay of " + id + " answered " + r.statusCode());
            }
        }
        events.updateMany(
                Filters.and(Filters.eq("status", "dlq"), Filters.in("event_id", ids)),
                Updates.set("status", "replayed"));
        return ids.size();
    }

    public static void main(String[] args) throws Exception {
        try (MongoClient client = TestMongo.client(Integer.parseInt(args[0]))) {
            run(client, args[1], args[2], () -> {
                System.out.println("replaying");
                System.out.flush();
            });
            System.out.println("done");
        }
    }
}
