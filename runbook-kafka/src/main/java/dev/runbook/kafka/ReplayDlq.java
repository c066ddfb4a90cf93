package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Secret;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.replay.MalformedPolicy;
import dev.runbook.core.replay.ReplayEngine;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.core.replay.ReplaySummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Replays a Kafka DLQ topic into its original topics (from Spring Kafka or Kafka Connect headers) or an
 * explicit target, exactly once: each batch of copies and the replayer group's DLQ offsets commit in one
 * transaction, so a crash and a rerun leave every selected record in the target once for read_committed
 * consumers. Copies keep their key and carry a replay id and an attempt count; records replayed
 * {@code maxAttempts} times go to the parking topic.
 *
 * <pre>{@code
 * StepPlan plan = kafka.replayDlq("orders-dlq", ReplaySelection.builder()
 *         .originalTopic("orders").maxAttempts(3).parkingTarget("orders-parking").build())
 *     .plan(ctx);                        // counts by origin, offsets, targets; writes nothing
 * }</pre>
 *
 * @throws RefusedException (from plan) if the DLQ, a target or the parking topic is missing, or records
 *     have unreadable origin headers under {@link MalformedPolicy#REFUSE}
 */
public final class ReplayDlq implements Action {

    /**
     * Replay lanes at most: transactional producers sending at once, each with its share of the DLQ's
     * partitions and its own transactions (transactional id {@code runbook-replay.<group>} and {@code
     * runbook-replay.<group>.lane-1}). A replay with limits, or of one partition, has one lane.
     */
    static final int LANES = 2;

    /** How long a plan waits for a transactional commit of the replayer's group to settle. */
    static final int PENDING_WAIT_MILLIS = 5_000;

    private final Admin admin;
    private final Map<String, Object> clientConfig;
    private final String dlqTopic;
    private final ReplaySelection selection;
    private final String group;
    private final long checkpointRecords;

    ReplayDlq(Admin admin, Map<String, Object> clientConfig, String dlqTopic, ReplaySelection selection, String group) {
        this(admin, clientConfig, dlqTopic, selection, group, ReplayEngine.CHECKPOINT_RECORDS);
    }

    private ReplayDlq(
            Admin admin,
            Map<String, Object> clientConfig,
            String dlqTopic,
            ReplaySelection selection,
            String group,
            long checkpointRecords) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.clientConfig = Map.copyOf(clientConfig);
        if (!clientConfig.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalStateException("replaying a DLQ needs a client config with bootstrap.servers for its"
                    + " consumer and producer; use KafkaActions.of(admin, clientConfig) or KafkaActions.connect(...)");
        }
        if (dlqTopic == null || dlqTopic.isBlank()) {
            throw new IllegalArgumentException("name the DLQ topic to replay, such as 'orders-dlq'");
        }
        this.dlqTopic = dlqTopic;
        this.selection = Objects.requireNonNull(selection, "selection");
        this.group = group != null ? group : defaultGroup(dlqTopic, selection);
        this.checkpointRecords = checkpointRecords;
    }

    /**
     * The replayer group: {@code runbook-replay.<dlq>}, plus a hash of the filters and routing when there
     * are any, so that a filtered replay does not move past records another selection still needs.
     * Limits (records, bytes, rate) do not change it: a rerun with a higher limit continues.
     */
    static String defaultGroup(String dlqTopic, ReplaySelection s) {
        List<Object> routing = java.util.Arrays.asList(
                new TreeSet<>(s.originalTopics()),
                new TreeSet<>(s.originalGroups()),
                new TreeSet<>(s.exceptions()),
                s.from(),
                s.until(),
                new TreeSet<>(s.keys()),
                s.target(),
                new TreeMap<>(s.targetMapping()));
        boolean plain = s.originalTopics().isEmpty()
                && s.originalGroups().isEmpty()
                && s.exceptions().isEmpty()
                && s.from() == null
                && s.until() == null
                && s.keys().isEmpty()
                && s.target() == null
                && s.targetMapping().isEmpty();
        return "runbook-replay." + dlqTopic
                + (plain ? "" : "." + Json.fingerprint(routing).substring(0, 8));
    }

    /** The same replay with the replayer's consumer group named explicitly. */
    public ReplayDlq withGroup(String replayerGroup) {
        if (replayerGroup == null || replayerGroup.isBlank()) {
            throw new IllegalArgumentException("replayer group must not be blank");
        }
        return new ReplayDlq(admin, clientConfig, dlqTopic, selection, replayerGroup, checkpointRecords);
    }

    /**
     * The same replay committing a transaction every {@code records} sent records at most (default
     * {@value ReplayEngine#CHECKPOINT_RECORDS}; also every 64 MB, ~5 s under a rate limit, and 10 s
     * after a transaction's first send). Smaller shows copies to {@code read_committed} consumers sooner
     * and costs some speed.
     */
    public ReplayDlq withCheckpointEvery(long records) {
        if (records < 1) {
            throw new IllegalArgumentException("records per transaction must be >= 1, was " + records
                    + "; the default is " + ReplayEngine.CHECKPOINT_RECORDS);
        }
        return new ReplayDlq(admin, clientConfig, dlqTopic, selection, group, records);
    }

    /** The replayer's consumer group, whose committed DLQ offsets record the progress. */
    public String group() {
        return group;
    }

    @Override
    public String type() {
        return "kafka.replayDlq";
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(ClusterCheck.of(admin, clientConfig));
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("messages", "partitions");
    }

    @Override
    public String target() {
        return "kafka " + clientConfig.getOrDefault(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "?") + " DLQ '"
                + dlqTopic + "' -> " + (selection.target() != null ? "'" + selection.target() + "'" : "origin topics");
    }

    /**
     * Every parameter apply uses, bound into plans; client settings that hold credentials are bound as
     * keyed hashes, never shown.
     *
     * @param dlqTopic the DLQ topic
     * @param selection filters, target, limits, parking
     * @param group the replayer's consumer group
     * @param checkpointRecords records per transaction
     * @param client the client settings of the replay's consumer and producer
     */
    public record Params(
            String dlqTopic,
            ReplaySelection selection,
            String group,
            long checkpointRecords,
            Map<String, Object> client) {}

    @Override
    public Params parameters() {
        Map<String, Object> client = new TreeMap<>();
        clientConfig.forEach((k, v) -> {
            String value = v instanceof Password p ? p.value() : String.valueOf(v);
            client.put(k, isPassword(k) || v instanceof Password ? Secret.of(value) : value);
        });
        return new Params(dlqTopic, selection, group, checkpointRecords, client);
    }

    /** Whether the producer or consumer declares this setting a password ({@code sasl.jaas.config}, ...). */
    static boolean isPassword(String setting) {
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef())) {
            ConfigDef.ConfigKey key = def.configKeys().get(setting);
            if (key != null && key.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        DlqAdmin dlq = new DlqAdmin(admin);
        List<Integer> partitions = dlq.partitions(dlqTopic, "DLQ");
        List<String> warnings = new ArrayList<>();
        Map<Integer, Long> committed = dlq.stableWithin(group, dlqTopic, partitions, PENDING_WAIT_MILLIS)
                .orElseGet(() -> {
                    warnings.add("group '" + group + "' has a transactional commit still pending after "
                            + PENDING_WAIT_MILLIS + " ms (a replay that crashed or is still running?); this plan"
                            + " reads its last committed offsets, and apply aborts the open transaction first,"
                            + " then refuses the plan as stale if the offsets moved");
                    return dlq.lastCommitted(group, dlqTopic, partitions);
                });
        ReplayDlqState state = new ReplayDlqState(group, dlqTopic, committed);
        Map<Integer, Long> logStart = dlq.offsets(dlqTopic, partitions, OffsetSpec.earliest());
        Map<Integer, Long> end = dlq.offsets(dlqTopic, partitions, OffsetSpec.latest());
        Map<Integer, Long> start = new TreeMap<>();
        for (int p : partitions) {
            long at = state.committed().getOrDefault(p, logStart.get(p));
            if (at < logStart.get(p)) {
                warnings.add("partition " + p + ": " + (logStart.get(p) - at)
                        + " records after the replayer's offset were deleted by retention before it reached them");
                at = logStart.get(p);
            }
            start.put(p, Math.min(at, end.get(p)));
        }
        ReplaySummary summary;
        Map<Integer, Long> commit;
        try (KafkaDlqSource source = new KafkaDlqSource(clientConfig, dlqTopic, start, end)) {
            summary = ReplayEngine.dryRun(source, selection);
            commit = new TreeMap<>(source.nextOffsets()); // printed in partition order
        }
        refuseUnsafe(dlq, summary);
        ReplayDlqDetails details = new ReplayDlqDetails(
                dlqTopic, group, TransactionalKafkaSink.transactionalId(group), start, end, commit, summary, selection);
        if (summary.isEmpty()) {
            return StepPlan.builder(this)
                    .change(Change.NONE)
                    .summary("unchanged: nothing to replay from DLQ '" + dlqTopic + "' for group '" + group + "' ("
                            + summary.describe() + ")")
                    .before(state)
                    .after(state)
                    .details(details)
                    .build();
        }
        if (summary.malformed() > 0) {
            warnings.add(summary.malformed() + " records with unreadable origin headers are skipped: "
                    + summary.malformedSamples());
        }
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary(String.format(
                        "replay %,d records (%,d bytes) from DLQ '%s' %s..%s to %s, park %,d, then commit group '%s' at %s",
                        summary.replayed(),
                        summary.bytes(),
                        dlqTopic,
                        summary.firstPosition(),
                        summary.lastPosition(),
                        summary.targets(),
                        summary.parked(),
                        group,
                        commit))
                .before(state)
                .after(new ReplayDlqState(group, dlqTopic, commit))
                .blastRadius("messages", summary.sent())
                .blastRadius("partitions", partitions.size())
                .resource(dlqTopic)
                .resources(List.copyOf(summary.targets().keySet()))
                .details(details);
        if (selection.maxRate() > 0) {
            plan.rate("messages/s", selection.maxRate());
        }
        warnings.forEach(plan::warning);
        return plan.build();
    }

    private void refuseUnsafe(DlqAdmin dlq, ReplaySummary summary) {
        if (summary.malformed() > 0 && selection.onMalformed() == MalformedPolicy.REFUSE) {
            throw new RefusedException(summary.malformed() + " records in DLQ '" + dlqTopic
                    + "' have missing or malformed origin headers, e.g. " + summary.malformedSamples()
                    + "; give an explicit target(...), or onMalformed(SKIP) to leave them or onMalformed(PARK) to"
                    + " park them, and plan again");
        }
        if (summary.targets().containsKey("null")) {
            throw new RefusedException(summary.parked() + " records in DLQ '" + dlqTopic + "' were replayed "
                    + selection.maxAttempts() + " times already and must be parked, but no parking topic is set;"
                    + " set parkingTarget(\"" + dlqTopic + "-parking\") (create it first) or raise maxAttempts");
        }
        List<String> missing = summary.targets().isEmpty()
                ? List.of()
                : dlq.missing(summary.targets().keySet());
        if (!missing.isEmpty()) {
            throw new RefusedException("target topic(s) " + missing + " do not exist; create them with the right"
                    + " partition count, or map the origin elsewhere with mapTarget(...)/target(...)"
                    + " (this replay never relies on auto-creation, which would make a 1-partition topic)");
        }
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ReplayDlqDetails details = plan.details(ReplayDlqDetails.class);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).details(details).build();
        }
        DlqAdmin dlq = new DlqAdmin(admin);
        // the sources start reading at the plan's offsets while the sinks start their transactions and the checks
        // below run (reading changes nothing; if a check refuses, what was read is dropped). They read exactly
        // the records the plan went through: up to where the plan stopped in each partition (a limit can stop
        // it early, and which partitions it had reached by then depends on how reads interleave)
        try (Lanes lanes = openLanes(details)) {
            // initTransactions in every lane's producer aborted what a crashed run left open; now the offsets are
            // stable, and if they are still the plan's, so is where the sources started
            plan.requireUnchanged(new ReplayDlqState(
                    group,
                    dlqTopic,
                    dlq.committed(group, dlqTopic, details.start().keySet())));
            Map<Integer, Long> logStart =
                    dlq.offsets(dlqTopic, List.copyOf(details.start().keySet()), OffsetSpec.earliest());
            details.start().forEach((p, from) -> {
                if (logStart.getOrDefault(p, 0L) > from && from < details.end().get(p)) {
                    throw new StalePlanException("DLQ '" + dlqTopic + "' partition " + p + " now starts at "
                            + logStart.get(p) + ", after the planned start " + from
                            + " (retention deleted records); plan again");
                }
            });
            List<String> missing = dlq.missing(details.summary().targets().keySet());
            if (!missing.isEmpty()) {
                throw new StalePlanException("target topic(s) " + missing + " were deleted since the plan; plan again");
            }
            ReplaySummary done = ReplayEngine.replay(lanes.sources, lanes.sinks, selection, ctx, checkpointRecords);
            Map<Integer, Long> committed = new TreeMap<>(details.start());
            lanes.sources.forEach(source -> committed.putAll(source.nextOffsets()));
            ReplayDlqDetails after = new ReplayDlqDetails(
                    dlqTopic,
                    group,
                    details.transactionalId(),
                    details.start(),
                    details.end(),
                    committed,
                    done,
                    selection);
            return ApplyResult.of(
                            done.sent() > 0 ? Outcome.CHANGED : Outcome.UNCHANGED,
                            "replay from DLQ '" + dlqTopic + "': " + done.describe() + "; group '" + group
                                    + "' committed at " + committed)
                    .count("replayed", done.replayed())
                    .count("parked", done.parked())
                    .count("skipped", done.skipped())
                    .count("malformed", done.malformed())
                    .count("bytes", done.bytes())
                    .details(after)
                    .build();
        }
    }

    /** The apply's sources and their sinks, lane by lane. */
    private static final class Lanes implements AutoCloseable {
        final List<KafkaDlqSource> sources = new ArrayList<>();
        final List<TransactionalKafkaSink> sinks = new ArrayList<>();

        /** Closes every sink, then every source, even if one fails to close; then throws the first failure. */
        @Override
        public void close() {
            RuntimeException failed = null;
            List<AutoCloseable> all = new ArrayList<>(sinks);
            all.addAll(sources);
            for (AutoCloseable c : all) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failed == null) {
                        failed = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /**
     * Opens the lanes of the apply: one source per share of the partitions to read (by records to read),
     * each with one fetcher, and one transactional sink each; with limits, or one partition to read, one
     * lane whose source has two fetchers. Every lane id this DLQ's replays can use ({@link #LANES} at most,
     * one per partition) gets its producer initialised, used or not: that fences a crashed earlier run's
     * lanes and aborts their open transactions, whatever lanes that run had.
     */
    private Lanes openLanes(ReplayDlqDetails details) {
        Lanes lanes = new Lanes();
        try {
            List<List<TopicPartition>> shares = KafkaDlqSource.shares(
                    dlqTopic, details.start(), details.commit(), selection.hasLimits() ? 1 : LANES);
            if (shares.size() > 1) {
                for (List<TopicPartition> share : shares) {
                    Map<Integer, Long> from = new TreeMap<>();
                    Map<Integer, Long> to = new TreeMap<>();
                    share.forEach(tp -> {
                        from.put(tp.partition(), details.start().get(tp.partition()));
                        to.put(tp.partition(), details.commit().get(tp.partition()));
                    });
                    lanes.sources.add(new KafkaDlqSource(clientConfig, dlqTopic, from, to, 1));
                }
            } else {
                lanes.sources.add(new KafkaDlqSource(clientConfig, dlqTopic, details.start(), details.commit()));
            }
            // partitions are never removed, so no earlier run had more of them than the plan saw
            int fence =
                    Math.max(lanes.sources.size(), Math.min(LANES, details.end().size()));
            for (int lane = 0; lane < fence; lane++) {
                TransactionalKafkaSink sink = TransactionalKafkaSink.open(clientConfig, group, dlqTopic, lane);
                if (lane < lanes.sources.size()) {
                    lanes.sinks.add(sink);
                } else {
                    sink.close();
                }
            }
            return lanes;
        } catch (RuntimeException e) {
            try {
                lanes.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ReplayDlqDetails planned = plan.details(ReplayDlqDetails.class);
        ReplayDlqDetails did = Json.convert(result.details(), ReplayDlqDetails.class);
        java.util.Set<Integer> covered = new java.util.TreeSet<>(planned.start().keySet());
        covered.addAll(did.commit().keySet());
        Map<Integer, Long> now = new DlqAdmin(admin).committed(group, dlqTopic, covered);
        Map<String, Object> observed = Map.of(
                "committed", now,
                "planned", planned.summary().describe(),
                "done", did.summary().describe());
        boolean countsMatch = planned.summary().replayed() == did.summary().replayed()
                && planned.summary().parked() == did.summary().parked()
                && planned.summary().skipped() == did.summary().skipped()
                && planned.summary().malformed() == did.summary().malformed();
        Map<Integer, Long> expected = new TreeMap<>(did.commit());
        expected.entrySet()
                .removeIf(e -> e.getValue().equals(planned.start().get(e.getKey())) && !now.containsKey(e.getKey()));
        boolean offsetsMatch = now.entrySet().containsAll(expected.entrySet());
        if (countsMatch && offsetsMatch) {
            return Verification.passed(
                    "counts reconcile (" + did.summary().describe() + ") and group '" + group + "' is at " + now,
                    observed);
        }
        return Verification.failed(
                "replay does not reconcile: planned " + planned.summary().describe() + ", did "
                        + did.summary().describe() + "; group '" + group + "' at " + now + ", expected " + expected,
                observed);
    }
}
