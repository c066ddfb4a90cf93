package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Conditions;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditChain;
import dev.runbook.core.audit.AuditException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ElasticsearchAuditSinkIT {
    private static ElasticsearchActions es;

    @BeforeAll
    static void connect() {
        es = ElasticsearchActions.connect(TestCluster.url());
    }

    @AfterAll
    static void close() {
        es.close();
    }

    @BeforeEach
    void clean() {
        TestCluster.deleteAll("rb-audit*");
        TestCluster.deleteAll("audit-orders-*");
        TestCluster.createIndex("audit-orders-2025-01");
    }

    private Report run(ElasticsearchAuditSink sink) {
        Runbook rb = Runbook.builder("INC-009", "ES read model drift")
                .precheck(
                        "primaries active",
                        es.clusterHealth().map("primaries active", ClusterHealth::primariesActive),
                        Conditions.isTrue())
                .step(
                        "delete old indices",
                        es.deleteIndices("audit-orders-2025-*").minAge(Duration.ZERO))
                .build();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(sink)
                .approvals(ApprovalGate.approveAll("oncall", "INC-009"))
                .build();
        return engine.apply(rb, engine.plan(rb));
    }

    @Test
    void anIndexOrAliasTheSinkDidNotMakeIsRefusedNamingIt_andLeftAlone() {
        TestCluster.createIndex("rb-audit-applog", "{\"mappings\":{\"properties\":{\"msg\":{\"type\":\"text\"}}}}");
        TestCluster.ok("POST", "/rb-audit-applog/_doc?refresh=true", "{\"msg\":\"an application log line\"}");
        assertThatThrownBy(() -> es.auditSink("rb-audit-applog"))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("index 'rb-audit-applog'")
                .hasMessageContaining("not an audit index")
                .hasMessageContaining("'seq'")
                .hasMessageContaining("new index name");
        TestCluster.ok(
                "POST",
                "/_aliases",
                "{\"actions\":[{\"add\":{\"index\":\"rb-audit-applog\",\"alias\":\"rb-audit-logs\"}}]}");
        assertThatThrownBy(() -> es.auditSink("rb-audit-logs"))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("'rb-audit-logs'")
                .hasMessageContaining("is an alias or data stream (of [rb-audit-applog])");
        assertThat(TestCluster.count("rb-audit-applog")).isEqualTo(1);
        assertThat(TestCluster.ok("GET", "/rb-audit-applog/_mapping", null).toString())
                .doesNotContain("\"seq\"");
    }

    @Test
    void aRunIsRecordedHashChained_andVerifiesAgainstItsHead() {
        String head;
        try (ElasticsearchAuditSink sink = es.auditSink("rb-audit")) {
            Report report = run(sink);
            assertThat(report.status()).as(report.toString()).isEqualTo(RunStatus.SUCCEEDED);
            head = sink.head();
            assertThat(sink.size()).isGreaterThanOrEqualTo(4);
        }
        List<JsonNode> records = es.auditSink("rb-audit").verify(head);
        assertThat(records.get(0).get("prev").asText()).isEqualTo(AuditChain.GENESIS);
        assertThat(records)
                .extracting(r -> r.get("event").get("type").asText())
                .contains("RUN_STARTED", "STEP_FINISHED");
        assertThat(TestCluster.indices("audit-orders-*")).isEmpty();

        // a second sink continues the chain
        TestCluster.createIndex("audit-orders-2025-01");
        ElasticsearchAuditSink again = es.auditSink("rb-audit");
        run(again);
        assertThat(again.verify(again.head())).hasSizeGreaterThan(records.size());
    }

    @Test
    void anEditedOrRemovedRecordIsFound() {
        String head;
        try (ElasticsearchAuditSink sink = es.auditSink("rb-audit")) {
            run(sink);
            head = sink.head();
        }
        JsonNode second = TestCluster.ok("GET", "/rb-audit/_doc/2", null).get("_source");
        ((com.fasterxml.jackson.databind.node.ObjectNode) second.get("event")).put("actor", "mallory");
        TestCluster.ok("PUT", "/rb-audit/_doc/2?refresh=true", second.toString());
        assertThatThrownBy(() -> es.auditSink("rb-audit").verify(head))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("record 2 (seq 2) was changed after it was written");
    }

    @Test
    void recordsCutOffTheEndAreFoundWithTheHead() {
        String head;
        long size;
        try (ElasticsearchAuditSink sink = es.auditSink("rb-audit")) {
            run(sink);
            head = sink.head();
            size = sink.size();
        }
        TestCluster.ok("DELETE", "/rb-audit/_doc/" + size + "?refresh=true", null);
        assertThatThrownBy(() -> es.auditSink("rb-audit").verify(head))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("not at the expected head");
    }

    @Test
    void aSecondWriterCannotForkTheChain_itsRunStopsBeforeAnyChange() {
        ElasticsearchAuditSink first = es.auditSink("rb-audit");
        ElasticsearchAuditSink second = es.auditSink("rb-audit"); // opened at the same head
        run(first);
        TestCluster.createIndex("audit-orders-2025-01");
        assertThatThrownBy(() -> run(second))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("audit record 1 already exists")
                .hasMessageContaining("another process is writing to the same audit index");
        assertThat(TestCluster.indices("audit-orders-*"))
                .as("nothing deleted without its audit record")
                .hasSize(1);
        assertThatThrownBy(() -> second.write(null))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("refuses writes since an earlier write failed");
        assertThat(first.verify(first.head())).hasSize((int) first.size());
    }

    @Test
    void anUnreachableClusterFailsToOpen() {
        try (ElasticsearchActions nowhere =
                ElasticsearchActions.connect("http://127.0.0.1:" + TestSupport.closedPort())) {
            assertThatThrownBy(() -> nowhere.auditSink("rb-audit"))
                    .isInstanceOf(AuditException.class)
                    .hasMessageContaining("cannot open audit index 'rb-audit'")
                    .hasMessageContaining("refused the connection");
        }
    }
}
