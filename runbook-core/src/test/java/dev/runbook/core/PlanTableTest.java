package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTableTest {
    private final Fixtures f = new Fixtures();

    @Test
    void thePlanTableKeepsItsColumnsAligned_whateverTheCellWidths() {
        Runbook rb = Runbook.builder("INC-4", "table")
                .precheck("up", Probe.of("up", () -> 1), Conditions.atLeast(1))
                .step(
                        "set a key with a rather long title for a step",
                        f.set("a", "2").radius(123_456_789_012L))
                .manual("tell", "line one\nline two")
                .build();
        Plan plan = f.engine().build().plan(rb);
        List<String> lines = Arrays.asList(plan.toString().split("\n"));

        String header = lines.get(1);
        int what = header.indexOf("WHAT");
        assertThat(lines.subList(2, 5)).allSatisfy(line -> {
            assertThat(line.length()).isGreaterThan(what);
            assertThat(line.charAt(what - 1))
                    .as("column before WHAT in '%s'", line)
                    .isEqualTo(' ');
            assertThat(line.charAt(what)).as("WHAT column in '%s'", line).isNotEqualTo(' ');
        });
        assertThat(plan.toString())
                .contains("keys=123,456,789,012")
                .contains("line one / line two")
                .contains("[needs approval]")
                .contains("line two  [needs confirmation]")
                .contains("ready to apply");
        assertThat(lines).hasSize(6);
    }

    @Test
    void theReportTableKeepsItsColumnsAligned() {
        Runbook rb = Runbook.builder("INC-4", "table")
                .step("set a", f.set("a", "2"))
                .step("set a key with a long title", f.set("b", "2"))
                .build();
        RunbookEngine engine = f.engine().build();
        Report report = engine.apply(rb, engine.plan(rb));
        List<String> lines = Arrays.asList(report.toString().split("\n"));
        int what = lines.get(1).indexOf("WHAT");
        assertThat(lines.get(2).indexOf("set a to 2")).isEqualTo(what);
        assertThat(lines.get(4).indexOf("set b to 2")).isEqualTo(what);
        assertThat(lines.get(0)).contains("SUCCEEDED").contains("actor alice");
    }
}
