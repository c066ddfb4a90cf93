package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.core.replay.ReplaySummary;
import dev.runbook.kafka.test.ConnectTestWorker;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.ActionContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The Connect actions against a real in-process worker, and replay of the DLQ records it writes. */
class ConnectIT {

    private final KafkaTestCluster kafka = KafkaTestCluster.get();
    private final ConnectTestWorker worker = ConnectTestWorker.get();
    private final KafkaConnect connect = new KafkaConnect(java.net.http.HttpClient.newHttpClient(), worker.url());
    private final ActionContext ctx = ActionContext.standalone();
    private final List<String> created = new java.util.ArrayList<>();

    /**
     * Connectors left running would keep committing offsets, and their groups (some without any
     * committed offset) would show up in other tests' snapshots of every group: remove both.
     */
    @org.junit.jupiter.api.AfterEach
    void deleteConnectorsAndTheirGroups() {
        created.forEach(worker::deleteConnector);
        List<String> groups = created.stream().map(n -> "connect-" + n).toList();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                kafka.admin().deleteConsumerGroups(groups).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                    return; // a connector that never joined
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not delete the connector groups " + groups, e);
                }
                KafkaTestCluster.sleep(200);
            }
        }
    }

    static Map<String, String> fileSink(String topic, Path file, String dlq) {
        Map<String, String> c = new java.util.HashMap<>(Map.of(
                "connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max",
                "1",
                "topics",
                topic,
                "file",
                file.toString()));
        if (dlq != null) {
            c.put("errors.tolerance", "all");
            c.put("errors.deadletterqueue.topic.name", dlq);
            c.put("errors.deadletterqueue.topic.replication.factor", "1");
            c.put("errors.deadletterqueue.context.headers.enable", "true");
        }
        return c;
    }

    private String running(String topic) {
        String name = KafkaTestCluster.unique("file-sink");
        worker.createConnector(name, fileSink(topic, worker.dir().resolve(name + ".txt"), null));
        created.add(name);
        Connectors.await(connect, name, s -> s.allIn("RUNNING") && s.tasks().size() == 1);
        return name;
    }

    /**
     * The action contract for the Connect actions, on the real worker: resuming a paused connector
     * (someone else resuming it in between makes the plan stale). Nested, so that it shares this class's
     * connectors and their clean-up.
     */
    @Nested
    class ResumeConnectorContract extends ActionContract<ResumeConnector> {
        private String name;

        @BeforeEach
        void pausedConnector() {
            name = running(kafka.createTopic(KafkaTestCluster.unique("events"), 1));
            worker.call("PUT", "connectors/" + name + "/pause", null);
            Connectors.await(connect, name, s -> s.allIn("PAUSED"));
        }

        @Override
        protected ResumeConnector action() {
            return connect.resumeConnector(name);
        }

        @Override
        protected Map<String, ResumeConnector> variants() {
            return Map.of(); // no parameters: the connector's name is its target
        }

        @Override
        protected Object snapshot() {
            return connect.connectorStatus(name).read().states();
        }

        @Override
        protected void moveTheWorld() {
            worker.call("PUT", "connectors/" + name + "/resume", null);
            Connectors.await(connect, name, s -> s.allIn("RUNNING"));
        }
    }

    /** The action contract for pausing a running connector (someone else pausing it makes the plan stale). */
    @Nested
    class PauseConnectorContract extends ActionContract<PauseConnector> {
        private String name;

        @BeforeEach
        void runningConnector() {
            name = running(kafka.createTopic(KafkaTestCluster.unique("events"), 1));
        }

        @Override
        protected PauseConnector action() {
            return connect.pauseConnector(name);
        }

        @Override
        protected Map<String, PauseConnector> variants() {
            return Map.of(); // no parameters: the connector's name is its target
        }

        @Override
        protected Object snapshot() {
            return connect.connectorStatus(name).read().states();
        }

        @Override
        protected void moveTheWorld() {
            worker.call("PUT", "connectors/" + name + "/pause", null);
            Connectors.await(connect, name, s -> s.allIn("PAUSED"));
        }
    }

    /**
     * The action contract for restarting the failed task of a connector whose cause was fixed (its output
     * directory now exists); someone else restarting it in between makes the plan stale.
     */
    @Nested
    class RestartConnectorContract extends ActionContract<RestartConnector> {
        private String name;

        @BeforeEach
        void failedTaskWithItsCauseFixed() throws Exception {
            String topic = kafka.createTopic(KafkaTestCluster.unique("events"), 1);
            name = KafkaTestCluster.unique("broken-sink");
            Path missingDir = worker.dir().resolve(name);
            worker.createConnector(name, fileSink(topic, missingDir.resolve("out.txt"), null));
            created.add(name);
            Connectors.await(connect, name, s -> s.failedTasks().equals(List.of(0)));
            Files.createDirectories(missingDir);
        }

        @Override
        protected RestartConnector action() {
            return connect.restartConnector(name);
        }

        @Override
        protected Map<String, RestartConnector> variants() {
            return Map.of(
                    "includeTasks", connect.restartConnector(name).includeTasks(false),
                    "onlyFailed", connect.restartConnector(name).onlyFailed(false));
        }

        @Override
        protected Object snapshot() {
            return connect.connectorStatus(name).read().states();
        }

        @Override
        protected void moveTheWorld() {
            worker.call("POST", "connectors/" + name + "/restart?includeTasks=true&onlyFailed=true", null);
            Connectors.await(connect, name, s -> s.allIn("RUNNING"));
        }
    }

    @Test
    void pause_thenPauseAgainIsUnchanged_resume_thenResumeAgainIsUnchanged_withVerifyAndInverse() {
        String name = running(kafka.createTopic(KafkaTestCluster.unique("events"), 1));

        PauseConnector pause = connect.pauseConnector(name);
        StepPlan plan = pause.plan(ctx);
        assertThat(plan.change()).isEqualTo(dev.runbook.core.Change.CHANGE);
        assertThat(connect.connectorStatus(name).read().allIn("RUNNING"))
                .as("plan does not pause")
                .isTrue();
        ApplyResult paused = pause.apply(plan, ctx);
        assertThat(paused.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(pause.verify(plan, paused, ctx).ok()).isTrue();
        assertThat(connect.connectorStatus(name).read().allIn("PAUSED")).isTrue();

        StepPlan again = pause.plan(ctx);
        assertThat(again.isNoop()).isTrue();
        assertThat(again.summary()).contains("already paused");
        assertThat(pause.apply(again, ctx).outcome()).isEqualTo(Outcome.UNCHANGED);

        ResumeConnector resume = (ResumeConnector) pause.inverse(plan).orElseThrow();
        StepPlan resumePlan = resume.plan(ctx);
        ApplyResult resumed = resume.apply(resumePlan, ctx);
        assertThat(resume.verify(resumePlan, resumed, ctx).ok()).isTrue();
        assertThat(connect.connectorStatus(name).read().allIn("RUNNING")).isTrue();
        assertThat(resume.plan(ctx).summary()).startsWith("unchanged: connector '" + name + "' is not paused");
    }

    @Test
    void pause_refusesAStalePlan_whenSomeoneElseChangedTheConnector() {
        String name = running(kafka.createTopic(KafkaTestCluster.unique("events"), 1));
        StepPlan plan = connect.resumeConnector(name).plan(ctx);
        assertThat(plan.isNoop()).isTrue();
        StepPlan pausePlan = connect.pauseConnector(name).plan(ctx);
        worker.call("PUT", "connectors/" + name + "/pause", null);
        Connectors.await(connect, name, s -> s.allIn("PAUSED"));
        worker.call("PUT", "connectors/" + name + "/resume", null);
        Connectors.await(connect, name, s -> s.allIn("RUNNING"));
        // same states as planned: not stale
        assertThat(connect.pauseConnector(name).apply(pausePlan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        StepPlan resumePlan = connect.resumeConnector(name).plan(ctx);
        worker.call("PUT", "connectors/" + name + "/resume", null);
        Connectors.await(connect, name, s -> s.allIn("RUNNING"));
        assertThatThrownBy(() -> connect.resumeConnector(name).apply(resumePlan, ctx))
                .isInstanceOf(dev.runbook.core.StalePlanException.class)
                .hasMessageContaining("plan again");
    }

    @Test
    void restart_onlyTheFailedTask_afterTheFix_thenRerunIsUnchanged() throws Exception {
        String topic = kafka.createTopic(KafkaTestCluster.unique("events"), 1);
        String name = KafkaTestCluster.unique("broken-sink");
        Path missingDir = worker.dir().resolve(name);
        worker.createConnector(name, fileSink(topic, missingDir.resolve("out.txt"), null));
        created.add(name);
        Connectors.await(connect, name, s -> s.failedTasks().equals(List.of(0)));

        StepPlan nothingYet = connect.restartConnector(name).includeTasks(false).plan(ctx);
        assertThat(nothingYet.isNoop())
                .as("the connector itself runs; only task 0 failed")
                .isTrue();

        Files.createDirectories(missingDir); // the fix
        RestartConnector restart = connect.restartConnector(name);
        StepPlan plan = restart.plan(ctx);
        assertThat(plan.summary()).contains("task 0 FAILED").contains("Couldn't find or create file");
        assertThat(connect.connectorStatus(name).read().failedTasks())
                .as("plan does not restart")
                .containsExactly(0);
        ApplyResult result = restart.apply(plan, ctx);
        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(restart.verify(plan, result, ctx).ok()).isTrue();
        assertThat(connect.connectorStatus(name).read().allIn("RUNNING")).isTrue();
        assertThat(restart.plan(ctx).summary()).startsWith("unchanged: nothing of connector");

        StepPlan forced = restart.onlyFailed(false).plan(ctx);
        assertThat(forced.warnings()).anyMatch(w -> w.contains("not convergent"));
    }

    @Test
    void unknownConnector_isRefusedNamingTheKnownOnes() {
        String name = running(kafka.createTopic(KafkaTestCluster.unique("events"), 1));
        for (ConnectorAction a : List.<ConnectorAction>of(
                connect.pauseConnector("no-such-sink"),
                connect.resumeConnector("no-such-sink"),
                connect.restartConnector("no-such-sink"))) {
            assertThatThrownBy(() -> a.plan(ctx))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("connector 'no-such-sink' does not exist")
                    .hasMessageContaining(name);
        }
    }

    @Test
    void workerNotListening_isTargetUnavailable() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KafkaConnect nobody = KafkaConnect.connect("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> nobody.pauseConnector("x").plan(ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("is the worker running");
        assertThatThrownBy(() -> KafkaConnect.connect("ftp://x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realConnectDeadLetters_replayToTheOriginTopic_exactlyOnce() {
        String topic = kafka.createTopic(KafkaTestCluster.unique("events"), 2);
        String dlq = KafkaTestCluster.unique("events-dlq");
        String name = KafkaTestCluster.unique("json-sink");
        Path file = worker.dir().resolve(name + ".txt");
        worker.createConnector(name, fileSink(topic, file, dlq));
        created.add(name);
        Connectors.await(connect, name, s -> s.allIn("RUNNING") && s.tasks().size() == 1);
        DeadLetters letters = new DeadLetters(kafka);
        for (int i = 0; i < 6; i++) {
            String value = i % 2 == 0 ? "{\"ok\":" + i + "}" : "not json " + i;
            letters.send(topic, i % 2, "k-" + i, value, new RecordHeaders());
        }
        letters.flush();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!new DlqAdmin(kafka.admin()).missing(List.of(dlq)).isEmpty()
                || letters.readCommitted(dlq).size() < 3) {
            assertThat(System.nanoTime())
                    .as("Connect wrote 3 DLQ records to %s", dlq)
                    .isLessThan(deadline);
            KafkaTestCluster.sleep(200);
        }
        List<DeadLetters.Read> dead = letters.readCommitted(dlq);
        assertThat(dead).hasSize(3).allSatisfy(r -> {
            assertThat(r.headers()).containsEntry("__connect.errors.topic", topic);
            assertThat(r.headers()).containsEntry("__connect.errors.connector.name", name);
        });
        worker.call("PUT", "connectors/" + name + "/pause", null); // stop the sink re-failing the replays

        ReplayDlq replay = new ReplayDlq(
                kafka.admin(),
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                dlq,
                ReplaySelection.builder().exception("DataException").build(),
                null);
        StepPlan plan = replay.plan(ctx);
        ReplaySummary s = plan.details(ReplayDlqDetails.class).summary();
        assertThat(s.byOrigin()).singleElement().satisfies(o -> {
            assertThat(o.topic()).isEqualTo(topic);
            assertThat(o.group()).isEqualTo("connect-" + name);
            assertThat(o.exception()).isEqualTo("org.apache.kafka.connect.errors.DataException");
            assertThat(o.count()).isEqualTo(3);
        });
        long before = letters.readCommitted(topic).size();
        replay.apply(plan, ctx);
        replay.apply(replay.plan(ctx), ctx);
        List<DeadLetters.Read> after = letters.readCommitted(topic);
        assertThat(after).hasSize((int) before + 3);
        assertThat(after.stream().filter(r -> r.replayId() != null))
                .extracting(DeadLetters.Read::key)
                .containsExactlyInAnyOrder("k-1", "k-3", "k-5");
    }
}
