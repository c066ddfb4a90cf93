package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class ReplayStatementsTest {
    final ReplayStatements st = new ReplayStatements(
            DlqFields.eventLog(),
            new DlqFilter(Set.of("b.type", "a.type"), Instant.parse("2026-12-01T00:00:00Z"), null, "time ?out"));

    @Test
    void everyStateChange_isASingleDocumentCompareAndSet() {
        BsonString id = new BsonString("x");
        BsonString owner = new BsonString("o");
        assertThat(ReplayStatements.json(st.claimFilter(id, new BsonString("now"), new BsonInt32(2))))
                .isEqualTo("{\"_id\": \"x\", \"$or\": [{\"status\": \"dlq\"}, {\"status\": \"replaying\","
                        + " \"replay.lease_until\": {\"$lt\": \"now\"}}], \"replay.attempts\": {\"$in\": [2]}}");
        assertThat(ReplayStatements.json(st.owned(id, owner)))
                .isEqualTo("{\"_id\": \"x\", \"status\": \"replaying\", \"replay.owner\": \"o\"}");
        assertThat(ReplayStatements.json(st.claimUpdate(owner, owner, owner, owner, false)))
                .doesNotContain("$inc");
        assertThat(ReplayStatements.json(st.releaseUpdate(owner, new BsonString("503"))))
                .contains("\"status\": \"dlq\"")
                .contains("\"replay.last_error\": \"503\"");
    }

    @Test
    void theScan_carriesTheFilter_andTheIdRange() {
        String scan = ReplayStatements.json(st.scan(new BsonString("now"), new BsonInt32(5), new BsonInt32(9)));
        assertThat(scan)
                .contains("\"event_type\": {\"$in\": [\"a.type\", \"b.type\"]}")
                .contains("\"created_at\": {\"$gte\": {\"$date\": \"2026-12-01T00:00:00Z\"}}")
                .contains("\"error\": {\"$regularExpression\": {\"pattern\": \"time ?out\"")
                .endsWith("\"_id\": {\"$gt\": 5, \"$lte\": 9}}");
        Map<String, String> shown = st.shown(new BsonInt32(9), 60_000);
        assertThat(shown).containsOnlyKeys("scan", "claim", "mark", "park", "release");
        assertThat(shown.get("claim")).contains("<now + 60000 ms>");
    }
}
