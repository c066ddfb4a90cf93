package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollbackTest {
    private final Fixtures f = new Fixtures();

    @Test
    void aFailedStep_undoesTheChangedStepsNewestFirst_backToTheRecordedBeforeState() {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2");
        SetValue c = f.set("c", "2").beforeChange(() -> {
            throw new TargetUnavailableException("map went away", null, false);
        });
        Runbook rb = Runbook.builder("INC-8", "rollback")
                .onFailure(OnFailure.ROLLBACK)
                .step("set a", a)
                .step("set b", b)
                .step("set c", c)
                .build();
        Map<String, String> before = Map.copyOf(f.store);
        RunbookEngine engine = f.engine().build();

        Report report = engine.apply(rb, engine.plan(rb));

        assertThat(report.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(f.store).isEqualTo(before);
        assertThat(report.step("set-c").error()).contains("map went away");
        assertThat(report.steps())
                .extracting(StepOutcome::stepId)
                .containsExactly("set-a", "set-b", "set-c", "rollback-set-b", "rollback-set-a");
        assertThat(report.step("rollback-set-a").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(report.step("rollback-set-a").message()).isEqualTo("set a to 1");
        f.audit.assertPaired();
    }

    @Test
    void aStepWhoseVerificationFailed_isUndoneToo() {
        SetValue a = f.set("a", "2").failVerification();
        Runbook rb = Runbook.builder("INC-8", "rollback")
                .onFailure(OnFailure.ROLLBACK)
                .verifyTimeout(java.time.Duration.ofSeconds(2))
                .step("set a", a)
                .build();
        RunbookEngine engine = f.engine().build();

        Report report = engine.apply(rb, engine.plan(rb));

        assertThat(report.step("set-a").error()).startsWith("VerificationFailed");
        assertThat(report.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(f.store.get("a")).isEqualTo("1");
    }

    @Test
    void aStepWithoutInverse_leavesTheRunFailed_sayingWhatToRestoreByHand() {
        Action noInverse = new Action() {
            @Override
            public String type() {
                return "test.noInverse";
            }

            @Override
            public Object parameters() {
                return Map.of();
            }

            @Override
            public String target() {
                return "map key b";
            }

            @Override
            public StepPlan plan(ActionContext ctx) {
                return StepPlan.builder(this)
                        .summary("set b to 9")
                        .before(Map.of("b", f.store.get("b")))
                        .build();
            }

            @Override
            public ApplyResult apply(StepPlan plan, ActionContext ctx) {
                f.store.put("b", "9");
                return ApplyResult.changed("set b to 9").build();
            }

            @Override
            public Optional<Action> inverse(StepPlan plan) {
                return Optional.empty();
            }
        };
        SetValue c = f.set("c", "2").beforeChange(() -> {
            throw new RefusedException("no");
        });
        Runbook rb = Runbook.builder("INC-8", "rollback")
                .onFailure(OnFailure.ROLLBACK)
                .step("set b", noInverse)
                .step("set c", c)
                .build();

        Report report = f.engine().build().apply(rb, f.engine().build().plan(rb));

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.step("rollback-set-b").message())
                .contains("has no inverse")
                .contains("by hand")
                .contains("\"b\":\"1\"");
    }

    @Test
    void stopAndContinue_doNotUndo() {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2").beforeChange(() -> {
            throw new RefusedException("no");
        });
        SetValue c = f.set("c", "2");
        Runbook stop = Runbook.builder("INC-8", "stop")
                .step("set a", a)
                .step("set b", b)
                .step("set c", c)
                .build();
        Report stopped = f.engine().build().apply(stop, f.engine().build().plan(stop));
        assertThat(stopped.status()).isEqualTo(RunStatus.FAILED);
        assertThat(f.store).containsEntry("a", "2").containsEntry("c", "1");

        f.store.put("a", "1");
        Runbook go = Runbook.builder("INC-8", "go")
                .onFailure(OnFailure.CONTINUE)
                .step("set a", a)
                .step("set b", b)
                .step("set c", c)
                .build();
        Report continued = f.engine().build().apply(go, f.engine().build().plan(go));
        assertThat(continued.status()).isEqualTo(RunStatus.FAILED);
        assertThat(continued.step("set-c").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(f.store).containsEntry("a", "2").containsEntry("c", "2");
    }
}
