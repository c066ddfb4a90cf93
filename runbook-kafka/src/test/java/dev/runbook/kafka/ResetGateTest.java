package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RefusedException;
import java.util.List;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;

/**
 * The group gate on the group views the Admin API yields. A real share group is refused in ResetOffsetsIT;
 * a real Streams group needs a Kafka Streams application with the streams protocol, so its refusal is
 * checked here on the view the Admin API would give.
 */
class ResetGateTest {

    private static final String T = "kafka broker-a.invalid:19092";

    @Test
    void streamsAndShareGroupsNameTheirTool() {
        assertThatThrownBy(
                        () -> ResetPlanner.gate(view(GroupType.STREAMS, "streams", GroupState.EMPTY, true), false, T))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("Kafka Streams group")
                .hasMessageContaining("kafka-streams-groups --reset-offsets");
        assertThatThrownBy(() -> ResetPlanner.gate(view(GroupType.SHARE, "share", GroupState.EMPTY, true), false, T))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("share group")
                .hasMessageContaining("kafka-share-groups --reset-offsets");
        assertThatThrownBy(
                        () -> ResetPlanner.gate(view(GroupType.CLASSIC, "connect", GroupState.STABLE, true), false, T))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("uses protocol 'connect'");
    }

    @Test
    void onlyEmptyOrAnAllowedDeadGroupPasses() {
        assertThatCode(() -> ResetPlanner.gate(view(GroupType.CLASSIC, "consumer", GroupState.EMPTY, true), false, T))
                .doesNotThrowAnyException();
        assertThatCode(() -> ResetPlanner.gate(view(GroupType.UNKNOWN, "", GroupState.DEAD, false), true, T))
                .doesNotThrowAnyException();
        assertThatThrownBy(() ->
                        ResetPlanner.gate(view(GroupType.CONSUMER, "consumer", GroupState.RECONCILING, true), false, T))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is Reconciling with 2 members (hosts [/10.0.0.1, /10.0.0.2]");
    }

    @Test
    void afterConsumersStop_aGroupWithMembersIsAWarningNotARefusal_butOtherGatesStillRefuse() {
        assertThat(ResetPlanner.gate(view(GroupType.CLASSIC, "consumer", GroupState.STABLE, true), false, true, T))
                .contains("group 'orders' is Stable with 2 members now (clients [c1, c2])")
                .contains("an earlier step must stop them");
        assertThat(ResetPlanner.gate(view(GroupType.CLASSIC, "consumer", GroupState.EMPTY, true), false, true, T))
                .isNull();
        assertThatThrownBy(() ->
                        ResetPlanner.gate(view(GroupType.STREAMS, "streams", GroupState.STABLE, true), false, true, T))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("Kafka Streams group");
    }

    private static OffsetReader.GroupView view(GroupType type, String protocol, GroupState state, boolean exists) {
        return new OffsetReader.GroupView(
                "orders", exists, type, protocol, state, 2, List.of("/10.0.0.1", "/10.0.0.2"), List.of("c1", "c2"));
    }
}
