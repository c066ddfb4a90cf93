package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomesTest {
    @Test
    void durationsPrintAsPeopleWriteThem() {
        assertThat(Outcomes.human(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Outcomes.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Outcomes.human(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Outcomes.human(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Outcomes.human(Duration.ofMinutes(65))).isEqualTo("1h5m");
        assertThat(Outcomes.human(Duration.ofHours(26))).isEqualTo("26h");
        assertThat(Outcomes.human(Duration.ZERO)).isEqualTo("0s");
    }
}
