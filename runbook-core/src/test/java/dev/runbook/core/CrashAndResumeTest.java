package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashAndResumeTest {
    /** Stands for the JVM dying: not an exception the engine may turn into a FAILED step. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash");
        }
    }

    private final Fixtures f = new Fixtures();

    @TempDir
    Path journalDir;

    private static Runnable crashOnce(AtomicBoolean armed) {
        return () -> {
            if (armed.getAndSet(false)) {
                throw new SimulatedCrash();
            }
        };
    }

    private String crashedRunId(RecordingSink audit) {
        return audit.events(AuditEvent.Type.RUN_STARTED).get(0).runId();
    }

    @Test
    void crashBeforeAStepChanges_resumeSkipsFinishedStepsAndFinishes() throws Exception {
        AtomicBoolean armed = new AtomicBoolean(true);
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2").beforeChange(crashOnce(armed));
        SetValue c = f.set("c", "2");
        Runbook rb = Runbook.builder("INC-3", "resume")
                .step("set a", a)
                .step("set b", b)
                .step("set c", c)
                .build();
        RunbookEngine first = f.engine().journal(Journal.files(journalDir)).build();
        Plan plan = first.plan(rb);

        assertThatThrownBy(() -> first.apply(rb, plan)).isInstanceOf(SimulatedCrash.class);
        String runId = crashedRunId(f.audit);
        assertThat(Journal.files(journalDir).unfinished()).containsExactly(runId);
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "1").containsEntry("c", "1");
        try (Stream<Path> files = Files.list(journalDir)) {
            assertThat(files)
                    .singleElement()
                    .satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo(runId + ".jsonl"));
        }

        RecordingSink audit = new RecordingSink();
        RunbookEngine second = RunbookEngine.builder()
                .clock(f.clock)
                .audit(audit)
                .approvals(ApprovalGate.approveAll("bob", "resume"))
                .journal(Journal.files(journalDir))
                .build();
        Report report = second.resume(rb, runId);

        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(report.runId()).isEqualTo(runId);
        assertThat(a.applies.get())
                .as("a finished before the crash: not repeated")
                .isEqualTo(1);
        assertThat(report.step("set-a").message()).contains("finished before the resume");
        assertThat(report.step("set-b").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(report.step("set-b").message()).contains("planned again on resume, interrupted by a crash");
        assertThat(report.step("set-c").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "2").containsEntry("c", "2");
        assertThat(audit.events(AuditEvent.Type.STEP_STARTED))
                .extracting(AuditEvent::stepId)
                .containsExactly("set-b", "set-c");
        assertThat(audit.events(AuditEvent.Type.STEP_STARTED)
                        .get(0)
                        .data()
                        .path("interrupted")
                        .asBoolean())
                .isTrue();
        // Pairing holds over the whole log: the crashed attempt's records, then the resume's, which
        // closes the spans the crash left open.
        RecordingSink wholeLog = new RecordingSink();
        f.audit.events().forEach(wholeLog::write);
        audit.events().forEach(wholeLog::write);
        wholeLog.assertPaired();

        assertThat(Journal.files(journalDir).unfinished()).isEmpty();
        assertThatThrownBy(() -> second.resume(rb, runId))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already ended");
    }

    @Test
    void crashMidStep_resumeClosesTheOpenAuditSpans_soEveryStartInTheFileHasOneEnd() throws Exception {
        Path auditFile = journalDir.resolve("audit.jsonl");
        AtomicBoolean armed = new AtomicBoolean(true);
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2").beforeChange(crashOnce(armed));
        Runbook rb = Runbook.builder("INC-3", "resume")
                .step("set a", a)
                .step("set b", b)
                .build();
        JsonLinesAuditSink crashedSink = JsonLinesAuditSink.open(auditFile);
        RunbookEngine first = f.engine()
                .audit(crashedSink)
                .journal(Journal.files(journalDir.resolve("journal")))
                .build();
        Plan plan = first.plan(rb);
        assertThatThrownBy(() -> first.apply(rb, plan)).isInstanceOf(SimulatedCrash.class);
        crashedSink.close(); // the process is gone; its file stays as the crash left it
        String runId = crashedRunId(f.audit);

        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(auditFile)) {
            Report report = f.engine()
                    .audit(sink)
                    .journal(Journal.files(journalDir.resolve("journal")))
                    .build()
                    .resume(rb, runId);
            assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        }

        List<AuditEvent> events = AuditLogVerifier.verify(auditFile).stream()
                .map(line -> Json.convert(line.get("event"), AuditEvent.class))
                .toList();
        RecordingSink all = new RecordingSink();
        events.forEach(all::write);
        all.assertPaired();
        assertThat(events)
                .filteredOn(e -> e.outcome() == Outcome.UNKNOWN)
                .extracting(AuditEvent::type, AuditEvent::stepId)
                .containsExactlyInAnyOrder(
                        tuple(AuditEvent.Type.STEP_FAILED, "set-b"), tuple(AuditEvent.Type.RUN_FAILED, null));
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "2");
    }

    @Test
    void crashAfterAStepChanged_theReplanSeesItDoneAndDoesNotRepeatIt() {
        AtomicBoolean armed = new AtomicBoolean(true);
        SetValue a = f.set("a", "2").afterChange(crashOnce(armed));
        SetValue b = f.set("b", "2");
        Runbook rb = Runbook.builder("INC-3", "resume")
                .step("set a", a)
                .step("set b", b)
                .build();
        RunbookEngine first = f.engine().journal(Journal.files(journalDir)).build();
        Plan plan = first.plan(rb);
        assertThatThrownBy(() -> first.apply(rb, plan)).isInstanceOf(SimulatedCrash.class);

        Report report = f.engine().journal(Journal.files(journalDir)).build().resume(rb, crashedRunId(f.audit));

        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(report.step("set-a").outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(report.step("set-a").message()).contains("a is already 2").contains("planned again");
        assertThat(a.applies.get())
                .as("the re-plan is NONE, so no second apply")
                .isEqualTo(1);
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "2");
    }

    @Test
    void resume_ofAnUnknownRun_orWithAChangedRunbook_isRefused() {
        SetValue a = f.set("a", "2").beforeChange(crashOnce(new AtomicBoolean(true)));
        Runbook rb = Runbook.builder("INC-3", "resume").step("set a", a).build();
        RunbookEngine engine = f.engine().journal(Journal.files(journalDir)).build();
        assertThatThrownBy(() -> engine.apply(rb, engine.plan(rb))).isInstanceOf(SimulatedCrash.class);
        Runbook changed = Runbook.builder("INC-3", "resume")
                .step("set a", f.set("a", "9"))
                .build();

        assertThatThrownBy(() -> engine.resume(rb, "INC-3-nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no run 'INC-3-nope'")
                .hasMessageContaining(crashedRunId(f.audit));
        assertThatThrownBy(() -> engine.resume(changed, crashedRunId(f.audit))).isInstanceOf(StalePlanException.class);
    }

    @Test
    void idempotencyKey_isTheSameAfterResume() {
        SetValue a = f.set("a", "2").beforeChange(crashOnce(new AtomicBoolean(true)));
        Runbook rb = Runbook.builder("INC-3", "resume").step("set a", a).build();
        RunbookEngine engine = f.engine().journal(Journal.files(journalDir)).build();
        assertThatThrownBy(() -> engine.apply(rb, engine.plan(rb))).isInstanceOf(SimulatedCrash.class);
        String runId = crashedRunId(f.audit);

        f.engine().journal(Journal.files(journalDir)).build().resume(rb, runId);

        assertThat(a.keys).containsExactly(runId + "/set-a", runId + "/set-a");
    }
}
