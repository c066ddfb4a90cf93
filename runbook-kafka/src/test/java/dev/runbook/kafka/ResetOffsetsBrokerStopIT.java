package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The broker (a separate JVM) dies between the reviewed plan and apply: apply fails with a retriable
 * error naming the broker, no offset moved, and once the broker is back the same plan applies.
 */
class ResetOffsetsBrokerStopIT {

    @Test
    void brokerKilledBeforeApply_failsRetriably_movesNothing_andTheSamePlanAppliesOnceItIsBack() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew()) {
            Map<String, Object> config = new HashMap<>(broker.clientConfig(null));
            config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 6000);
            config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            try (Admin admin = Admin.create(config)) {
                admin.createTopics(List.of(new NewTopic("billing-events", 3, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                Map<String, Object> p = new HashMap<>(config);
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                    for (int i = 0; i < 30; i++) {
                        producer.send(new ProducerRecord<>("billing-events", i % 3, "k" + i, "v" + i));
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                for (int partition = 0; partition < 3; partition++) {
                    start.put(new TopicPartition("billing-events", partition), new OffsetAndMetadata(2));
                }
                admin.alterConsumerGroupOffsets("billing", start).all().get(30, TimeUnit.SECONDS);

                ResetOffsets skipAll = KafkaActions.of(admin, config)
                        .resetOffsets("billing")
                        .topic("billing-events")
                        .toLatest();
                ActionContext ctx = ActionContext.standalone();
                StepPlan plan = skipAll.plan(ctx);
                broker.kill();

                long t0 = System.nanoTime();
                assertThatThrownBy(() -> skipAll.apply(plan, ctx))
                        .isInstanceOf(TargetUnavailableException.class)
                        .hasMessageContaining(broker.bootstrapServers())
                        .satisfies(e -> assertThat(((TargetUnavailableException) e).retriable())
                                .as("a dead broker is worth a retry: %s", e.getMessage())
                                .isTrue());
                assertThat((System.nanoTime() - t0) / 1_000_000_000)
                        .as("seconds until apply gave up (client timeouts are 6 s)")
                        .isLessThan(30);

                broker.start();
                assertThat(committed(admin)).as("no offset moved").containsOnly(2L);
                ApplyResult done = skipAll.apply(plan, ctx);
                assertThat(done.outcome()).isEqualTo(Outcome.CHANGED);
                assertThat(committed(admin))
                        .as("every partition at its log end")
                        .containsOnly(10L);
                assertThat(skipAll.plan(ctx).isNoop())
                        .as("a rerun has nothing to do")
                        .isTrue();
                assertThat(endOffsets(admin)).containsOnly(10L);
            }
        }
    }

    private static List<Long> committed(Admin admin) throws Exception {
        return admin
                .listConsumerGroupOffsets("billing")
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .values()
                .stream()
                .map(OffsetAndMetadata::offset)
                .toList();
    }

    private static List<Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int partition = 0; partition < 3; partition++) {
            request.put(new TopicPartition("billing-events", partition), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                .map(i -> i.offset())
                .toList();
    }
}
