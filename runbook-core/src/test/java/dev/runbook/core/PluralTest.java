package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {
    @Test
    void oneIsSingular_everythingElsePlural_withDigitGrouping() {
        assertThat(Plural.of(1, "key")).isEqualTo("1 key");
        assertThat(Plural.of(0, "key")).isEqualTo("0 keys");
        assertThat(Plural.of(1_000_000, "key")).isEqualTo("1,000,000 keys");
        assertThat(Plural.of(1, "partition has", "partitions have")).isEqualTo("1 partition has");
        assertThat(Plural.of(3, "partition has", "partitions have")).isEqualTo("3 partitions have");
    }
}
