// INC-009 "Elasticsearch read model drift" as a JShell session. Run: runbook-elasticsearch/bench/inc009.sh
import dev.runbook.core.*;
import dev.runbook.elasticsearch.*;
import java.net.URI;
import java.net.http.*;
import java.nio.file.Path;
import java.time.Duration;

// --- setup, not part of the incident: a throwaway node seeded like the incident ---
var server = ElasticsearchServer.builder().home(Path.of(System.getProperty("es.home"))).dataOnTmpfs().start();
var http = HttpClient.newHttpClient();
String put(String method, String path, String body) throws Exception { return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json").method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body(); }
for (var m : new String[] {"01", "02", "03", "04", "05", "06"}) put("PUT", "/orders-2025-" + m + "?wait_for_active_shards=0", m.equals("03") ? "{\"settings\":{\"number_of_replicas\":0,\"index.routing.allocation.require._name\":\"lost-node\"}}" : "{\"settings\":{\"number_of_replicas\":0}}");
put("PUT", "/orders-v1", "{\"settings\":{\"number_of_replicas\":0},\"aliases\":{\"orders\":{\"is_write_index\":true}},\"mappings\":{\"properties\":{\"amount\":{\"type\":\"keyword\"}}}}");
put("PUT", "/orders-v2", "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":{\"amount\":{\"type\":\"double\"}}}}");
var bulk = new StringBuilder(); for (int i = 0; i < 3000; i++) bulk.append("{\"index\":{\"_index\":\"" + (i < 1200 ? "orders-v1" : "orders-2025-0" + (1 + i % 2)) + "\"}}\n{\"order\":" + i + ",\"amount\":\"" + i + ".50\"}\n");
put("POST", "/_bulk?refresh=true", bulk.toString()).length() > 0;
// --- the incident ---

var es = ElasticsearchActions.connect(server.url());
var ctx = ActionContext.builder().guards(Guards.defaults()).build();   // dot-indices protected

// Triage: curl _cluster/health, _cat/allocation, _cat/indices/orders-*
es.clusterHealth().read();
es.diskAllocation().read();
es.indices("orders-*").read();

// Scenario 1, free disk: the seed's `curl -X DELETE ".../orders-2025-*"`, as a reviewed dry run
// (the seeded indices are minutes old: minAge(ZERO) here; keep the default 1 day, or more, on a real cluster)
var cleanup = es.deleteIndices("orders-2025-*").minAge(Duration.ZERO).maxIndices(20).maxBytes(10L << 30);
var plan = cleanup.plan(ctx);
plan.summary();
plan.warnings();
plan.details(DeleteIndicesDryRun.class);

// ... applied through the engine, audited into the cluster itself (hash-chained)
var audit = es.auditSink("runbook-audit");
var engine = RunbookEngine.builder().audit(audit).approvals(ApprovalGate.approveAll("oncall", "INC-009 scenario 1")).build();
var rb = Runbook.builder("INC-009", "Elasticsearch read model drift").step("free disk: delete the 2025 monthly indices", cleanup).build();
var reviewed = engine.plan(rb);
var report = engine.apply(rb, reviewed);
report;
es.clusterHealth().read();
audit.verify(audit.head()).size();

// Scenario 3, schema mismatch: orders-v2 was created with the corrected mapping; reindex, then swap the alias
var copy = es.reindex("orders-v1", "orders-v2").slices(0).requestsPerSecond(5_000);
var copyPlan = copy.plan(ctx);
copyPlan.summary();
copyPlan.details(ReindexDryRun.class);
var swap = es.swapAlias("orders", "orders-v2").from("orders-v1");
swap.plan(ctx).summary();
// this test distribution has no reindex module, so apply stops before anything is written:
try { copy.apply(copyPlan, ctx); } catch (RefusedException e) { System.out.println(e.getMessage()); }

es.close();
server.close();
/exit
