package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.TargetUnavailableException;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * The error mapping, on the exceptions the Kafka client raises. An ACL-enabled broker (SASL + authorizer)
 * would cost another in-process cluster per test JVM; the mapping is what decides the message.
 */
class KafkaErrorsTest {

    private static final String T = "kafka broker-a.invalid:19092";

    @Test
    void aDeniedGroupNamesTheAclToGrantAndIsNotRetriable() {
        RunbookException e = KafkaErrors.map(
                GroupAuthorizationException.forGroupId("billing"), T, "altering the offsets of group billing");
        assertThat(e).isInstanceOf(TargetUnavailableException.class);
        assertThat(((TargetUnavailableException) e).retriable()).isFalse();
        assertThat(e.getMessage())
                .contains("kafka broker-a.invalid:19092 denied altering the offsets of group billing")
                .contains("Describe and Read on group 'billing'")
                .contains("kafka-acls --add");
    }

    @Test
    void aDeniedTopicNamesTheTopics() {
        RunbookException e = KafkaErrors.map(new TopicAuthorizationException(Set.of("payments")), T, "listing offsets");
        assertThat(e.getMessage()).contains("on topics [payments]");
    }

    @Test
    void badCredentialsPointAtTheClientConfig() {
        RunbookException e = KafkaErrors.map(new SaslAuthenticationException("bad password"), T, "listing groups");
        assertThat(e.getMessage()).contains("rejected the credentials").contains("sasl.jaas.config");
    }

    @Test
    void anInvalidTopicNameIsARefusalNamingIt_notAnUnavailableBroker() {
        RunbookException e = KafkaErrors.map(
                new InvalidTopicException("The request attempted to perform an operation on an invalid topic."),
                T,
                "describing topics [orders.*]");
        assertThat(e).isInstanceOf(RefusedException.class);
        assertThat(e.getMessage())
                .startsWith("kafka broker-a.invalid:19092 refused describing topics [orders.*]: not a valid topic name")
                .contains("kafka-topics --list");
    }

    @Test
    void aGroupThatGainedMembersIsARefusal() {
        RunbookException e = KafkaErrors.map(new GroupNotEmptyException("not empty"), T, "altering offsets");
        assertThat(e).isInstanceOf(RefusedException.class);
        assertThat(e.getMessage()).contains("stop the consumers");
    }

    @Test
    void aTimeoutWrappedByTheAdminClientIsRetriable() {
        RunbookException e = KafkaErrors.map(
                new KafkaException("Failed to find brokers", new TimeoutException("no node")), T, "listing groups");
        assertThat(e).isInstanceOf(TargetUnavailableException.class);
        assertThat(((TargetUnavailableException) e).retriable()).isTrue();
        assertThat(e.getMessage()).contains("is the broker running");
    }
}
