package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap servers a tired person types: refused with the reason, not the admin client's bare "Failed to
 * create new KafkaAdminClient". No broker is contacted.
 */
class KafkaActionsConnectTest {

    @Test
    void aBadBootstrapValueIsRefusedWithItsReason() {
        assertThatThrownBy(() -> KafkaActions.connect("127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot use bootstrap.servers '127.0.0.1': Invalid url in bootstrap.servers")
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> KafkaActions.connect("127.0.0.1:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid port");
        assertThatThrownBy(() -> KafkaActions.connect("kafka-prdo.invalid:19092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No resolvable bootstrap urls");
        assertThatThrownBy(() -> KafkaActions.connect(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot use bootstrap.servers ''");
    }

    @Test
    void anotherSettingsErrorIsNotRewritten_soItsValueIsNotQuotedAgain() {
        assertThatThrownBy(() -> KafkaActions.connect(Map.of(
                        "bootstrap.servers", "127.0.0.1:1", // refused before any connection: the settings are invalid
                        "security.protocol", "SASL_PLAINTEXT",
                        "sasl.mechanism", "PLAIN",
                        "sasl.jaas.config", "not a jaas config password=\"s3cret\"")))
                .isNotInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                        .doesNotContain("s3cret"));
    }
}
