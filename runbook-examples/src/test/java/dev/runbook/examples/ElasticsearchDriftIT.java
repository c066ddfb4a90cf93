package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Journal;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.elasticsearch.ElasticsearchActions;
import dev.runbook.elasticsearch.ElasticsearchServer;
import dev.runbook.test.TestApprovals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-009 applied on a real Elasticsearch 8.19 node (runbook-elasticsearch's {@link ElasticsearchServer}
 * from the integ-test zip, one per class). That zip has no reindex module: the run deletes the old indices
 * for real, then the reindex is refused by the server and the alias is left where it was. The full path
 * (reindex, swap) is planned and applied against fakes in {@link ElasticsearchDriftTest}.
 */
class ElasticsearchDriftIT {
    static ElasticsearchServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        long t0 = System.nanoTime();
        server = ElasticsearchServer.builder().dataOnTmpfs().start();
        System.out.printf("Elasticsearch started at %s in %d ms%n", server.url(), (System.nanoTime() - t0) / 1_000_000);
        for (int m = 1; m <= 3; m++) {
            send("PUT", "/orders-2025-0" + m, "{\"settings\":{\"number_of_replicas\":0}}");
            send("PUT", "/orders-2025-0" + m + "/_doc/1?refresh=true", "{\"order\":1,\"amount\":\"10\"}");
        }
        send(
                "PUT",
                "/orders-v1",
                "{\"settings\":{\"number_of_replicas\":0},"
                        + "\"mappings\":{\"properties\":{\"amount\":{\"type\":\"keyword\"}}},"
                        + "\"aliases\":{\"orders\":{\"is_write_index\":true}}}");
        send("PUT", "/orders-v1/_doc/1?refresh=true", "{\"order\":1,\"amount\":\"10.5\"}");
        send(
                "PUT",
                "/orders-v2",
                "{\"settings\":{\"number_of_replicas\":0},"
                        + "\"mappings\":{\"properties\":{\"amount\":{\"type\":\"double\"}}}}");
        send("PUT", "/orders-2026-01", "{\"settings\":{\"number_of_replicas\":0}}"); // not matched: kept
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode send(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Json.read(r.body(), JsonNode.class);
    }

    static TreeSet<String> indices() throws Exception {
        TreeSet<String> names = new TreeSet<>();
        send("GET", "/_cat/indices/orders-*?format=json&expand_wildcards=all", null)
                .forEach(i -> names.add(i.path("index").asText()));
        return names;
    }

    static List<String> aliasTargets() throws Exception {
        List<String> out = new ArrayList<>();
        send("GET", "/_alias/orders", null).fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void deletesTheOldIndicesWithinTheBudget_andLeavesTheAliasWhenTheServerCannotReindex() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Report report;
        try (ElasticsearchActions es = ElasticsearchActions.connect(server.url());
                JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            Runbook tooSmall = ElasticsearchDrift.runbook(
                    es, "orders-2025-*", 2, 1L << 30, Duration.ZERO, "orders", "orders-v1", "orders-v2");
            Runbook rb = ElasticsearchDrift.runbook(
                    es, "orders-2025-*", 24, 1L << 30, Duration.ZERO, "orders", "orders-v1", "orders-v2");
            RunbookEngine engine = RunbookEngine.builder()
                    .actor("it")
                    .incident("IT-INC-009")
                    .approvals(TestApprovals.approvingAll())
                    .audit(audit)
                    .journal(Journal.files(dir.resolve("journal")))
                    .build();

            assertThat(engine.plan(tooSmall)).as("3 indices over a budget of 2").isNotReady();
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady().hasStep("delete-the-old-indices").withSummaryContaining("delete 3 indices");
            assertThat(indices()).as("the plan deleted nothing").contains("orders-2025-01", "orders-2025-03");

            report = engine.apply(rb, plan);
        }

        assertThat(report).failed();
        assertThat(report)
                .step("delete-the-old-indices")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed();
        assertThat(report).step("reindex-orders-v1-into-orders-v2").hasOutcome(Outcome.FAILED);
        var reindex = report.step("reindex-orders-v1-into-orders-v2");
        assertThat(reindex.message() + " " + reindex.error()).contains("no _reindex API");
        assertThat(report).step("swap-alias-orders-to-orders-v2").hasOutcome(Outcome.NOT_ATTEMPTED);
        assertThat(indices()).containsExactly("orders-2026-01", "orders-v1", "orders-v2");
        assertThat(aliasTargets()).as("the alias stays on the complete index").containsExactly("orders-v1");
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
    }
}
