package dev.runbook.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplayEngineTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final DlqOrigin ORIGIN = new DlqOrigin("orders", 0, 0L, "g", "E", null, null, T0);

    /** A list-backed source that hands out batches of {@code batch} records. */
    static class ListSource implements ReplaySource<String> {
        private final List<DlqRecord<String>> records;
        private final int batch;
        private int next;
        final List<String> consumed = new ArrayList<>();

        ListSource(List<DlqRecord<String>> records, int batch) {
            this.records = records;
            this.batch = batch;
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public List<DlqRecord<String>> poll() {
            List<DlqRecord<String>> out = records.subList(next, Math.min(records.size(), next + batch));
            next += out.size();
            return List.copyOf(out);
        }

        @Override
        public void consumed(List<DlqRecord<String>> handled) {
            handled.forEach(r -> consumed.add(r.position()));
        }

        @Override
        public void close() {}
    }

    /** A sink that keeps sent copies in a pending list until checkpoint, like a transaction. */
    static final class ListSink implements ReplaySink<String> {
        final List<String> pending = new ArrayList<>();
        final List<String> committed = new ArrayList<>();
        final List<String> checkpoints = new ArrayList<>();
        final List<Integer> consumedBatches = new ArrayList<>();
        String lastConsumed;
        int aborts;

        @Override
        public void send(DlqRecord<String> record, ReplayDecision d) {
            pending.add(d.target() + "<-" + record.position() + "#" + d.attempt());
        }

        @Override
        public void consumed(List<DlqRecord<String>> records) {
            consumedBatches.add(records.size());
            lastConsumed = records.get(records.size() - 1).position();
        }

        @Override
        public void checkpoint() {
            committed.addAll(pending);
            pending.clear();
            checkpoints.add(lastConsumed);
        }

        @Override
        public void abort() {
            pending.clear();
            aborts++;
        }

        @Override
        public void close() {}
    }

    private static DlqRecord<String> rec(int i, String topic, String group, String cause, int attempts) {
        DlqOrigin o = new DlqOrigin(topic, 0, (long) i, group, "org.x.ListenerFailed", cause, "boom", T0);
        return new DlqRecord<>("dlq/0/" + i, "k" + i, o, null, attempts, T0.plusSeconds(i), 100, "v" + i);
    }

    private static DlqRecord<String> malformed(int i) {
        return new DlqRecord<>("dlq/0/" + i, "k" + i, null, "no origin topic header", 0, T0.plusSeconds(i), 100, "v");
    }

    private static List<DlqRecord<String>> sample() {
        List<DlqRecord<String>> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(rec(i, i % 2 == 0 ? "orders" : "payments", "g" + (i % 3), "java.net.SocketTimeoutException", 0));
        }
        return out;
    }

    @Test
    void dryRun_andReplay_reconcile_andDryRunSendsNothing() {
        ListSource dry = new ListSource(sample(), 3);
        ReplaySummary planned = ReplayEngine.dryRun(dry, ReplaySelection.all());
        assertThat(planned.replayed()).isEqualTo(10);
        assertThat(planned.targets()).isEqualTo(Map.of("orders", 5L, "payments", 5L));
        assertThat(planned.firstPosition()).isEqualTo("dlq/0/0");
        assertThat(planned.lastPosition()).isEqualTo("dlq/0/9");
        assertThat(planned.earliest()).isEqualTo(T0);
        assertThat(planned.latest()).isEqualTo(T0.plusSeconds(9));
        assertThat(planned.bytes()).isEqualTo(1000);
        assertThat(planned.byOrigin())
                .extracting(ReplaySummary.OriginCount::count)
                .containsOnly(2L, 1L);
        assertThat(planned.byOrigin().stream()
                        .mapToLong(ReplaySummary.OriginCount::count)
                        .sum())
                .isEqualTo(10);

        ListSink sink = new ListSink();
        ReplaySummary done = ReplayEngine.replay(new ListSource(sample(), 3), sink, ReplaySelection.all(), ctx());
        assertThat(done).isEqualTo(planned);
        assertThat(sink.committed).hasSize(10).contains("orders<-dlq/0/0#1", "payments<-dlq/0/9#1");
        assertThat(sink.consumedBatches).as("each poll handed over as handled").containsExactly(3, 3, 3, 1);
        assertThat(sink.checkpoints)
                .as("small polls, one checkpoint at the end")
                .containsExactly("dlq/0/9");
    }

    @Test
    void filters_topicGroupExceptionCauseFirstWindowAndKey() {
        ReplaySelection sel = ReplaySelection.builder()
                .originalTopic("orders")
                .originalGroup("g0", "g1")
                .exception("SocketTimeoutException")
                .window(T0.plusSeconds(1), T0.plusSeconds(9))
                .build();
        ReplaySummary s = ReplayEngine.dryRun(new ListSource(sample(), 4), sel);
        // orders = even i; groups g0/g1 = i%3 in {0,1}; window [1,9): i in {4, 6}
        assertThat(s.replayed()).isEqualTo(2);
        assertThat(s.sampleKeys()).containsExactly("k4", "k6");
        assertThat(s.skipped()).isEqualTo(8);

        ReplaySummary byKey = ReplayEngine.dryRun(
                new ListSource(sample(), 4),
                ReplaySelection.builder().key("k3", "k7").build());
        assertThat(byKey.sampleKeys()).containsExactly("k3", "k7");

        ReplaySummary otherCause = ReplayEngine.dryRun(
                new ListSource(sample(), 4),
                ReplaySelection.builder()
                        .exception("java.lang.IllegalStateException")
                        .build());
        assertThat(otherCause.replayed()).isZero();
        ReplaySummary outer = ReplayEngine.dryRun(
                new ListSource(sample(), 4),
                ReplaySelection.builder().exception("ListenerFailed").build());
        assertThat(outer.replayed()).as("the outer class matches too").isEqualTo(10);
        assertThat(outer.byOrigin().get(0).exception())
                .as("reported cause first")
                .isEqualTo("java.net.SocketTimeoutException");
    }

    @Test
    void maxRecords_stopsBeforeTheNextSentRecord_andCheckpointsOnlyWhatWasHandled() {
        ListSink sink = new ListSink();
        ListSource source = new ListSource(sample(), 4);
        ReplaySummary s = ReplayEngine.replay(
                source, sink, ReplaySelection.builder().maxRecords(5).build(), ctx());
        assertThat(s.replayed()).isEqualTo(5);
        assertThat(s.stoppedBy()).isEqualTo("maxRecords");
        assertThat(source.consumed).containsExactly("dlq/0/0", "dlq/0/1", "dlq/0/2", "dlq/0/3", "dlq/0/4");
        assertThat(sink.checkpoints).containsExactly("dlq/0/4");
    }

    @Test
    void maxBytes_stopsBeforeExceeding() {
        ReplaySummary s = ReplayEngine.dryRun(
                new ListSource(sample(), 4),
                ReplaySelection.builder().maxBytes(350).build());
        assertThat(s.replayed()).isEqualTo(3);
        assertThat(s.bytes()).isEqualTo(300);
        assertThat(s.stoppedBy()).isEqualTo("maxBytes");
    }

    @Test
    void beyondMaxAttempts_goesToParking_withTheNextAttemptNumber() {
        List<DlqRecord<String>> records =
                List.of(rec(0, "orders", "g", null, 0), rec(1, "orders", "g", null, 2), rec(2, "orders", "g", null, 3));
        ListSink sink = new ListSink();
        ReplaySummary s = ReplayEngine.replay(
                new ListSource(records, 10),
                sink,
                ReplaySelection.builder()
                        .maxAttempts(3)
                        .parkingTarget("orders-parking")
                        .build(),
                ctx());
        assertThat(s.replayed()).isEqualTo(2);
        assertThat(s.parked()).isEqualTo(1);
        assertThat(sink.committed)
                .containsExactly("orders<-dlq/0/0#1", "orders<-dlq/0/1#3", "orders-parking<-dlq/0/2#4");
    }

    @Test
    void parkingWithoutParkingTarget_isRefused_afterCheckpointingTheWorkBefore() {
        List<DlqRecord<String>> records = List.of(rec(0, "orders", "g", null, 0), rec(1, "orders", "g", null, 5));
        ListSink sink = new ListSink();
        assertThatThrownBy(() -> ReplayEngine.replay(new ListSource(records, 10), sink, ReplaySelection.all(), ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("dlq/0/1")
                .hasMessageContaining("parkingTarget");
        assertThat(sink.committed).containsExactly("orders<-dlq/0/0#1");
        assertThat(sink.aborts).isEqualTo(1);
    }

    @Test
    void malformedOrigin_refusedByDefault_skippedOrParkedOnRequest_fineWithExplicitTarget() {
        List<DlqRecord<String>> records = List.of(rec(0, "orders", "g", null, 0), malformed(1));
        ReplaySummary dry = ReplayEngine.dryRun(new ListSource(records, 10), ReplaySelection.all());
        assertThat(dry.malformed()).isEqualTo(1);
        assertThat(dry.malformedSamples()).containsExactly("dlq/0/1: no origin topic header");

        ListSink refused = new ListSink();
        assertThatThrownBy(
                        () -> ReplayEngine.replay(new ListSource(records, 10), refused, ReplaySelection.all(), ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("dlq/0/1")
                .hasMessageContaining("explicit target");

        ListSink skip = new ListSink();
        ReplaySummary skipped = ReplayEngine.replay(
                new ListSource(records, 10),
                skip,
                ReplaySelection.builder().onMalformed(MalformedPolicy.SKIP).build(),
                ctx());
        assertThat(skipped.malformed()).isEqualTo(1);
        assertThat(skip.committed).containsExactly("orders<-dlq/0/0#1");
        assertThat(skip.checkpoints).containsExactly("dlq/0/1");

        ListSink park = new ListSink();
        ReplayEngine.replay(
                new ListSource(records, 10),
                park,
                ReplaySelection.builder()
                        .onMalformed(MalformedPolicy.PARK)
                        .parkingTarget("parked")
                        .build(),
                ctx());
        assertThat(park.committed).containsExactly("orders<-dlq/0/0#1", "parked<-dlq/0/1#1");

        ListSink explicit = new ListSink();
        ReplayEngine.replay(
                new ListSource(records, 10),
                explicit,
                ReplaySelection.builder().target("retry").build(),
                ctx());
        assertThat(explicit.committed).containsExactly("retry<-dlq/0/0#1", "retry<-dlq/0/1#1");
    }

    @Test
    void targetMapping_sendsAnOriginElsewhere() {
        ReplaySummary s = ReplayEngine.dryRun(
                new ListSource(sample(), 10),
                ReplaySelection.builder().mapTarget("orders", "orders-retry").build());
        assertThat(s.targets()).isEqualTo(Map.of("orders-retry", 5L, "payments", 5L));
    }

    @Test
    void maxRate_usesTheContextThrottle() {
        List<Integer> acquired = new ArrayList<>();
        ActionContext ctx = countingThrottle(acquired, 50.0);
        ReplayEngine.replay(
                new ListSource(sample(), 10),
                new ListSink(),
                ReplaySelection.builder().originalTopic("orders").maxRate(50).build(),
                ctx);
        assertThat(acquired).hasSize(5);
    }

    @Test
    void underARateLimit_checkpointsEveryFiveSecondsOfWork_whateverTheBatchSize() {
        ListSink sink = new ListSink();
        ReplayEngine.replay(
                new ListSource(sample(), 10),
                sink,
                ReplaySelection.builder().maxRate(0.6).build(),
                countingThrottle(new ArrayList<>(), 0.6));
        // 0.6 records/s -> a checkpoint every 3 sent records, and one at the end of the batch
        assertThat(sink.checkpoints).containsExactly("dlq/0/2", "dlq/0/5", "dlq/0/8", "dlq/0/9");
        assertThat(sink.committed).hasSize(10);
    }

    @Test
    void withoutARateLimit_checkpointsEveryHundredThousandSentRecords_acrossPolls() {
        List<DlqRecord<String>> records = new ArrayList<>();
        for (int i = 0; i < 250_000; i++) {
            records.add(new DlqRecord<>("dlq/0/" + i, null, ORIGIN, null, 0, T0, 10, null));
        }
        ListSink sink = new ListSink();
        ReplaySummary s = ReplayEngine.replay(new ListSource(records, 30_000), sink, ReplaySelection.all(), ctx());
        assertThat(s.replayed()).isEqualTo(250_000);
        assertThat(sink.checkpoints).containsExactly("dlq/0/99999", "dlq/0/199999", "dlq/0/249999");
        assertThat(sink.consumedBatches.stream().mapToInt(Integer::intValue).sum())
                .as("every record handed over once")
                .isEqualTo(250_000);
        assertThat(sink.committed).hasSize(250_000);
    }

    @Test
    void aSlowSink_checkpointsEveryTenSecondsOfSending_beforeATransactionTimesOut() {
        // a clock that moves 3 s each time it is read: a very slow sink, no rate limit
        java.time.Clock slow = new java.time.Clock() {
            private long millis;

            @Override
            public long millis() {
                return millis += 3_000;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(millis());
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        ListSink sink = new ListSink();
        ReplayEngine.replay(
                new ListSource(sample(), 10),
                sink,
                ReplaySelection.all(),
                ActionContext.builder().clock(slow).build());
        // opened at the 1st send, due at the 5th (12 s later); again from the 6th to the 10th
        assertThat(sink.checkpoints).containsExactly("dlq/0/4", "dlq/0/9");
        assertThat(sink.committed).hasSize(10);
    }

    @Test
    void checkpointsAtSixtyFourMegabytes_whicheverLimitComesFirst() {
        List<DlqRecord<String>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(new DlqRecord<>("dlq/0/" + i, null, ORIGIN, null, 0, T0, 30L * 1024 * 1024, null));
        }
        ListSink sink = new ListSink();
        ReplayEngine.replay(new ListSource(records, 10), sink, ReplaySelection.all(), ctx());
        assertThat(sink.checkpoints).containsExactly("dlq/0/2", "dlq/0/4");
    }

    @Test
    void badSelections_areRejectedWithTheFix() {
        assertThatThrownBy(() -> ReplaySelection.builder().maxRecords(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRecords");
        assertThatThrownBy(() -> ReplaySelection.builder().maxAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplaySelection.builder().window(T0, T0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> ReplaySelection.builder()
                        .target("a")
                        .mapTarget("orders", "b")
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ReplaySelection.builder()
                        .onMalformed(MalformedPolicy.PARK)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("parkingTarget");
        assertThatThrownBy(() -> ReplaySelection.builder().originalTopic(" ").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Records of DLQ partition {@code partition}: origins alternate between orders and payments. */
    private static List<DlqRecord<String>> partition(int partition, int n) {
        List<DlqRecord<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String topic = i % 2 == 0 ? "orders" : "payments";
            DlqOrigin o = new DlqOrigin(topic, 0, (long) i, "g", "org.x.ListenerFailed", null, "boom", T0);
            out.add(new DlqRecord<>(
                    "dlq/" + partition + "/" + i, "k" + partition + "-" + i, o, null, 0, T0.plusSeconds(i), 100, "v"));
        }
        return out;
    }

    /** A source whose first poll waits until {@code together} sources polled (fails if they run one by one). */
    private static ListSource meeting(List<DlqRecord<String>> records, CyclicBarrier together) {
        return new ListSource(records, 7) {
            private boolean met;

            @Override
            public List<DlqRecord<String>> poll() {
                if (!met) {
                    met = true;
                    try {
                        together.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new AssertionError("the lanes did not run at the same time", e);
                    }
                }
                return super.poll();
            }
        };
    }

    @Test
    void lanes_runAtTheSameTime_eachSinkGetsItsOwnSourcesRecords_andTheSummariesAddUp() {
        CyclicBarrier together = new CyclicBarrier(2);
        ListSink sink0 = new ListSink();
        ListSink sink1 = new ListSink();
        List<Long> progress = Collections.synchronizedList(new ArrayList<>());
        ReplaySummary done = ReplayEngine.replay(
                List.of(meeting(partition(0, 30), together), meeting(partition(1, 20), together)),
                List.of(sink0, sink1),
                ReplaySelection.all(),
                recordingProgress(progress),
                8);

        assertThat(sink0.committed).hasSize(30).allMatch(c -> c.contains("<-dlq/0/"));
        assertThat(sink1.committed).hasSize(20).allMatch(c -> c.contains("<-dlq/1/"));
        assertThat(sink0.committed).as("in order within a lane").startsWith("orders<-dlq/0/0#1", "payments<-dlq/0/1#1");
        assertThat(sink0.checkpoints).as("each lane checkpoints its own source").endsWith("dlq/0/29");
        assertThat(sink1.checkpoints).endsWith("dlq/1/19");
        assertThat(done.replayed()).isEqualTo(50);
        assertThat(done.bytes()).isEqualTo(5000);
        assertThat(done.targets()).isEqualTo(Map.of("orders", 25L, "payments", 25L));
        assertThat(done.earliest()).isEqualTo(T0);
        assertThat(done.latest()).isEqualTo(T0.plusSeconds(29));
        assertThat(progress)
                .as("the total, growing, from both lanes")
                .isSorted()
                .endsWith(50L);
    }

    @Test
    void aFailingLane_stopsTheOthers_whichAbortTheirOpenBatch_andItsErrorIsThrown() {
        CountDownLatch failing = new CountDownLatch(1);
        ListSource fails = new ListSource(partition(0, 10), 5) {
            @Override
            public List<DlqRecord<String>> poll() {
                if (!consumed.isEmpty()) {
                    failing.countDown();
                    throw new TargetUnavailableException("broker went away reading dlq/0; rerun to resume", null);
                }
                return super.poll();
            }
        };
        ListSource slow = new ListSource(partition(1, 100_000), 1) {
            @Override
            public List<DlqRecord<String>> poll() {
                try {
                    failing.await(10, TimeUnit.SECONDS); // lane 1 goes on until lane 0 fails
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return super.poll();
            }
        };
        ListSink sink0 = new ListSink();
        ListSink sink1 = new ListSink();
        assertThatThrownBy(() -> ReplayEngine.replay(
                        List.of(fails, slow), List.of(sink0, sink1), ReplaySelection.all(), ctx(), 1_000_000))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("dlq/0")
                .hasNoSuppressedExceptions();
        assertThat(slow.consumed).as("lane 1 stopped early").hasSizeLessThan(100_000);
        assertThat(sink1.aborts).as("lane 1 aborted its open batch").isEqualTo(1);
        assertThat(sink1.committed).as("nothing of lane 1 became durable").isEmpty();
        assertThat(sink0.aborts).isEqualTo(1);
        assertThat(sink0.committed).isEmpty();
    }

    @Test
    void lanes_needASelectionWithoutLimits_andOneSinkPerSource() {
        ReplaySelection limited = ReplaySelection.builder().maxRecords(10).build();
        List<ListSource> two = List.of(new ListSource(partition(0, 3), 3), new ListSource(partition(1, 3), 3));
        List<ListSink> sinks = List.of(new ListSink(), new ListSink());
        assertThatThrownBy(() -> ReplayEngine.replay(two, sinks, limited, ctx(), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRecords")
                .hasMessageContaining("one lane");
        assertThatThrownBy(() -> ReplayEngine.replay(two, List.of(new ListSink()), ReplaySelection.all(), ctx(), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one sink per source");
        assertThat(sinks).allMatch(s -> s.pending.isEmpty() && s.committed.isEmpty());

        ListSink one = new ListSink();
        ReplaySummary s =
                ReplayEngine.replay(List.of(new ListSource(partition(0, 3), 3)), List.of(one), limited, ctx(), 10);
        assertThat(s.replayed()).as("one lane takes limits").isEqualTo(3);
        assertThat(one.committed).hasSize(3);
    }

    /** A standalone context that records the totals it is told of. */
    private static ActionContext recordingProgress(List<Long> totals) {
        return ActionContext.builder()
                .progress((step, what, done, total) -> totals.add(done))
                .build();
    }

    /** A context whose throttles record the permits asked for instead of waiting. */
    private static ActionContext countingThrottle(List<Integer> acquired, double expectedRate) {
        return new ActionContext() {
            @Override
            public String runId() {
                return "r";
            }

            @Override
            public String stepId() {
                return "s";
            }

            @Override
            public java.time.Clock clock() {
                return java.time.Clock.systemUTC();
            }

            @Override
            public dev.runbook.core.Sleeper sleeper() {
                return ActionContext.standalone().sleeper();
            }

            @Override
            public dev.runbook.core.Guards guards() {
                return ActionContext.standalone().guards();
            }

            @Override
            public dev.runbook.core.Throttle throttle(String name, double perSecond) {
                assertThat(perSecond).isEqualTo(expectedRate);
                return new dev.runbook.core.Throttle() {
                    @Override
                    public void acquire(int permits) {
                        acquired.add(permits);
                    }

                    @Override
                    public double permitsPerSecond() {
                        return perSecond;
                    }
                };
            }
        };
    }

    /** A sink shared with another replayer, which holds every third record when this one claims it. */
    static final class ContendedSink implements ReplaySink<String> {
        final List<String> claimed = new ArrayList<>();
        final List<String> sent = new ArrayList<>();

        @Override
        public boolean claim(DlqRecord<String> record, ReplayDecision decision) {
            claimed.add(record.position());
            return claimed.size() % 3 != 0;
        }

        @Override
        public void send(DlqRecord<String> record, ReplayDecision decision) {
            assertThat(claimed).as("claimed before it is sent").endsWith(record.position());
            sent.add(record.position());
        }

        @Override
        public void consumed(List<DlqRecord<String>> records) {}

        @Override
        public void checkpoint() {}

        @Override
        public void close() {}
    }

    @Test
    void claim_aRecordAnotherReplayerHolds_isNotSent_countedContended_andNotCountedAgainstMaxRecords() {
        ContendedSink sink = new ContendedSink();
        ReplaySummary done = ReplayEngine.replay(
                new ListSource(sample(), 4),
                sink,
                ReplaySelection.builder().maxRecords(5).build(),
                ctx());
        assertThat(sink.claimed)
                .containsExactly("dlq/0/0", "dlq/0/1", "dlq/0/2", "dlq/0/3", "dlq/0/4", "dlq/0/5", "dlq/0/6");
        assertThat(sink.sent).containsExactly("dlq/0/0", "dlq/0/1", "dlq/0/3", "dlq/0/4", "dlq/0/6");
        assertThat(done.replayed()).as("five claimed and sent").isEqualTo(5);
        assertThat(done.contended()).isEqualTo(2);
        assertThat(done.contendedSamples()).containsExactly("dlq/0/2", "dlq/0/5");
        assertThat(done.scanned()).isEqualTo(7);
        assertThat(done.stoppedBy()).isEqualTo("maxRecords");
        assertThat(done.describe()).contains("2 contended");
    }

    @Test
    void summary_countsSentRecordsByEarlierAttempts_theSameInDryRunAndReplay() {
        List<DlqRecord<String>> records = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            records.add(rec(i, "orders", "g", "E", i % 4));
        }
        ReplaySelection sel = ReplaySelection.builder()
                .maxAttempts(3)
                .parkingTarget("orders-parking")
                .build();
        ReplaySummary dry = ReplayEngine.dryRun(new ListSource(records, 2), sel);
        assertThat(dry.previousAttempts()).isEqualTo(Map.of(0, 3L, 1, 2L, 2, 2L, 3, 2L));
        assertThat(dry.parked()).as("3 earlier attempts reach maxAttempts").isEqualTo(2);
        ReplaySummary done = ReplayEngine.replay(new ListSource(records, 2), new ListSink(), sel, ctx());
        assertThat(done).isEqualTo(dry);
        assertThat(Json.read(Json.write(done), ReplaySummary.class))
                .as("through JSON")
                .isEqualTo(done);
    }

    private static ActionContext ctx() {
        return ActionContext.standalone();
    }
}
