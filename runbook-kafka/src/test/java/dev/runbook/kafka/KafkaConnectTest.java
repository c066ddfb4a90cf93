package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The REST URL a tired person types: refused with the form it needs, before any request. */
class KafkaConnectTest {

    @Test
    void aHostAndPortWithoutASchemeIsRefusedSuggestingHttp() {
        // as for a broker; URI.create used to answer "Illegal character in scheme name at index 0"
        assertThatThrownBy(() -> KafkaConnect.connect("127.0.0.1:18083"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka Connect REST URL must be http(s)://host:port, was '127.0.0.1:18083'; did you mean"
                        + " http://127.0.0.1:18083 ?");
        assertThatThrownBy(() -> KafkaConnect.connect("localhost:18083"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did you mean http://localhost:18083 ?");
    }

    @Test
    void otherSchemesBlankAndHostlessUrlsAreRefused() {
        assertThatThrownBy(() -> KafkaConnect.connect("ftp://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be http(s)://host:port, was 'ftp://x'");
        assertThatThrownBy(() -> KafkaConnect.connect("http:///connectors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be http(s)://host:port");
        assertThatThrownBy(() -> KafkaConnect.connect(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(KafkaConnect.connect(" http://127.0.0.1:18083 ")).isNotNull();
    }
}
