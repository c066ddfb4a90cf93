package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ./demo}'s arguments: what a mistyped one says, and that {@code --list} describes every scenario. */
class DemoOptionsTest {

    @Test
    void everyScenarioHasADescriptionForList() {
        assertThat(Demo.DESCRIPTIONS).containsKeys(Demo.SCENARIOS.keySet().toArray(String[]::new));
    }

    @Test
    void scenariosAndOutAreRead() {
        Demo.Options o = Demo.Options.parse("--scenario", "INC-004", "--scenario", "INC-005", "--out", "/tmp/x");
        assertThat(o.scenarios()).containsExactly("INC-004", "INC-005");
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.interactive()).isFalse();
    }

    @Test
    void anUnknownScenarioNamesTheKnownOnes() {
        assertThatThrownBy(() -> Demo.Options.parse("--scenario", "INC-404"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown scenario 'INC-404'")
                .hasMessageContaining("INC-004");
    }

    @Test
    void anUnknownFlagShowsTheUsage() {
        assertThatThrownBy(() -> Demo.Options.parse("--fast"))
                .hasMessageContaining("unknown argument '--fast'")
                .hasMessageContaining("usage: ./demo [--list]");
        assertThatThrownBy(() -> Demo.Options.parse("--scenario")).hasMessageContaining("--scenario needs a value");
    }
}
