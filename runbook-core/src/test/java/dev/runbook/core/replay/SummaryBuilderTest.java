package dev.runbook.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryBuilderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static DlqRecord<String> rec(int i, String topic, String group, String cause) {
        DlqOrigin o = new DlqOrigin(topic, 0, (long) i, group, "org.x.Failed", cause, null, T0);
        return new DlqRecord<>("dlq/0/" + i, "k" + i, o, null, 0, T0.plusSeconds(10 - i), 10, null);
    }

    private static ReplayDecision replay(String target) {
        return new ReplayDecision(ReplayDecision.Kind.REPLAY, target, 1, null);
    }

    @Test
    void interleavedOriginsAndTargets_areCountedApart_inFirstSeenOrderByCount() {
        SummaryBuilder b = new SummaryBuilder();
        b.add(rec(0, "orders", "g", "Timeout"), replay("orders"));
        b.add(rec(1, "orders", "g", "Timeout"), replay("orders"));
        b.add(rec(2, "payments", "g", "Timeout"), replay("payments"));
        b.add(rec(3, "orders", "g", "Timeout"), replay("orders"));
        b.add(rec(4, "orders", "h", "Timeout"), replay("orders"));
        b.add(rec(5, "orders", "g", null), replay("orders-retry"));
        b.add(rec(6, "payments", "g", "Timeout"), replay("payments"));
        ReplaySummary s = b.build();
        assertThat(s.byOrigin())
                .containsExactly(
                        new ReplaySummary.OriginCount("orders", "g", "Timeout", 3),
                        new ReplaySummary.OriginCount("payments", "g", "Timeout", 2),
                        new ReplaySummary.OriginCount("orders", "h", "Timeout", 1),
                        new ReplaySummary.OriginCount("orders", "g", "org.x.Failed", 1));
        assertThat(s.targets()).isEqualTo(Map.of("orders", 4L, "payments", 2L, "orders-retry", 1L));
        assertThat(s.replayed()).isEqualTo(7);
        assertThat(s.bytes()).isEqualTo(70);
        assertThat(s.firstPosition()).isEqualTo("dlq/0/0");
        assertThat(s.lastPosition()).isEqualTo("dlq/0/6");
        assertThat(s.earliest()).isEqualTo(T0.plusSeconds(4));
        assertThat(s.latest()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void lanesSummaries_addUpToTheSummaryOfTheirRecordsOneLaneAfterTheOther() {
        // lane A and lane B (one DLQ partition each, say); B has origins A has, and ones A has not
        ReplayDecision park = new ReplayDecision(ReplayDecision.Kind.PARK, "parked", 4, "attempts");
        ReplayDecision malformed = new ReplayDecision(ReplayDecision.Kind.MALFORMED, null, 1, "malformed");
        DlqRecord<String> bad = new DlqRecord<>("dlq/1/9", null, null, "no origin", 0, T0, 5, null);
        SummaryBuilder a = new SummaryBuilder();
        SummaryBuilder b = new SummaryBuilder();
        SummaryBuilder whole = new SummaryBuilder();
        for (int i = 0; i < 12; i++) {
            DlqRecord<String> r = rec(i, i % 3 == 0 ? "payments" : "orders", "g", "Timeout");
            a.add(r, replay(r.origin().topic()));
            whole.add(r, replay(r.origin().topic()));
        }
        for (int i = 0; i < 9; i++) {
            DlqRecord<String> r = rec(100 + i, i % 2 == 0 ? "orders" : "refunds", "h", null);
            ReplayDecision d = i == 4 ? park : replay(r.origin().topic());
            b.add(r, d);
            whole.add(r, d);
        }
        b.add(bad, malformed);
        whole.add(bad, malformed);
        DlqRecord<String> retried = new DlqRecord<>(
                "dlq/1/10", "k-retried", rec(0, "orders", "h", null).origin(), null, 2, T0, 5, null);
        b.add(retried, replay("orders"));
        whole.add(retried, replay("orders"));
        DlqRecord<String> held = rec(200, "orders", "h", null);
        b.contended(held);
        whole.contended(held);
        b.stoppedBy("maxRecords");
        whole.stoppedBy("maxRecords");

        SummaryBuilder merged = new SummaryBuilder();
        merged.add(a.build());
        merged.add(b.build());
        ReplaySummary s = merged.build();
        assertThat(s).isEqualTo(whole.build());
        assertThat(s.sampleKeys())
                .as("ten samples at most, A's first")
                .hasSize(10)
                .startsWith("k0");
        assertThat(s.earliest()).as("B's records are the older ones").isEqualTo(T0.plusSeconds(10 - 108));
        assertThat(s.firstPosition()).isEqualTo("dlq/0/0");
        assertThat(s.lastPosition()).isEqualTo("dlq/1/10");
        assertThat(s.previousAttempts())
                .as("sent records by earlier attempts, both lanes")
                .isEqualTo(Map.of(0, 21L, 2, 1L));
        assertThat(s.contended()).isEqualTo(1);
        assertThat(s.contendedSamples()).containsExactly("dlq/0/200");
        assertThat(s.scanned()).isEqualTo(12 + 9 + 1 + 1 + 1);
    }

    @Test
    void parkedMalformed_countUnderQuestionMark_skippedAndMalformedOnlyAsNumbers() {
        SummaryBuilder b = new SummaryBuilder();
        DlqRecord<String> bad = new DlqRecord<>("dlq/0/1", null, null, "no origin", 0, T0, 5, null);
        b.add(bad, new ReplayDecision(ReplayDecision.Kind.PARK, "parked", 1, "malformed"));
        b.add(bad, new ReplayDecision(ReplayDecision.Kind.MALFORMED, null, 1, "malformed"));
        b.add(rec(2, "orders", "g", null), new ReplayDecision(ReplayDecision.Kind.SKIP, null, 1, "filtered"));
        ReplaySummary s = b.build();
        assertThat(s.byOrigin()).containsExactly(new ReplaySummary.OriginCount("?", null, null, 1));
        assertThat(s.targets()).isEqualTo(Map.of("parked", 1L));
        assertThat(s.parked()).isEqualTo(1);
        assertThat(s.malformed()).isEqualTo(1);
        assertThat(s.malformedSamples()).containsExactly("dlq/0/1: no origin");
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.scanned()).isEqualTo(3);
    }
}
