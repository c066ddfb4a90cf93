package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LibraryFloorTest {
    private final LibraryFloor kafka =
            new LibraryFloor("org.apache.kafka:kafka-clients", "4.1.0", "Admin.listGroups", "java.lang.String");

    @Test
    void versionsCompareNumerically() {
        assertThat(LibraryFloor.compare("3.7.1", "4.1.0")).isNegative();
        assertThat(LibraryFloor.compare("4.10.0", "4.9.1")).isPositive();
        assertThat(LibraryFloor.compare("4.1", "4.1.0")).isZero();
        assertThat(LibraryFloor.compare("2.0.17", "2.0.0")).isPositive();
        assertThat(LibraryFloor.compare("4.1.0-SNAPSHOT", "4.1.0")).isZero();
    }

    @Test
    void anOlderVersionIsRefusedNamingTheFoundAndTheNeededVersion() {
        assertThatThrownBy(() -> kafka.require("3.7.1", getClass().getClassLoader()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("kafka-clients 3.7.1 is on the class path")
                .hasMessageContaining("needs kafka-clients 4.1.0 or newer (it uses Admin.listGroups)")
                .hasMessageContaining("mvn dependency:tree -Dincludes=org.apache.kafka:kafka-clients");
        kafka.require("4.3.1", getClass().getClassLoader());
    }

    @Test
    void aMissingSentinelClassIsRefusedEvenWithoutAVersion() {
        LibraryFloor missing = new LibraryFloor("org.example:lib", "2.0.0", "Thing.go()", "org.example.NoSuchClass");
        assertThatThrownBy(() -> missing.require(null, getClass().getClassLoader()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("lib (a version without org.example.NoSuchClass) is on the class path");
    }

    @Test
    void slf4jOnThisClassPathMeetsItsFloor() {
        LibraryFloor.SLF4J.require(org.slf4j.Logger.class);
    }
}
