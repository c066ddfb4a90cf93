package com.example.orders;

import static dev.runbook.core.Conditions.above;
import static dev.runbook.core.Conditions.equalTo;

import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.redis.RedisActions;
import java.nio.file.Path;
import java.time.Duration;

/** The orders team's runbooks. */
public final class OrdersRunbooks {
    /** The cache entries a bad deploy poisoned. */
    public static final String CACHE = "orders:cache:*";

    /** Entries support pinned by hand; they survive a flush. */
    public static final String PINNED = "orders:cache:pinned:*";

    /** The consumer group that projects orders into the read model. */
    public static final String GROUP = "orders-projector";

    private OrdersRunbooks() {}

    /** ORD-1: a bad deploy wrote poisoned entries into the orders cache; delete them, keep the pinned ones. */
    public static Runbook poisonedCache(RedisActions redis) {
        return Runbook.builder("ORD-1", "Poisoned orders cache")
                .severity(Severity.SEV2)
                .service("orders")
                .precheck("the cache holds entries", redis.countKeys(CACHE), above(0))
                .step(
                        "delete the orders cache",
                        redis.scanDelete(CACHE)
                                .protect(PINNED)
                                .maxKeys(OrdersEngine.MAX_KEYS)
                                .rate(20_000))
                .id("delete-cache")
                .verify("the pinned entries are kept", redis.countKeys(PINNED), above(0))
                .manual("tell the team", "post in #orders-oncall that the cache was flushed")
                .build();
    }

    /**
     * ORD-2: the projector is stuck on a poison message at the head of {@code partition}: with the
     * consumers stopped, save the group's offsets to {@code backup} and skip that one message.
     */
    public static Runbook stuckConsumerGroup(KafkaActions kafka, int partition, Path backup) {
        return Runbook.builder("ORD-2", "Stuck orders projector")
                .severity(Severity.SEV2)
                .service("orders")
                .precheck("the consumers are stopped", kafka.groupState(GROUP), equalTo("Empty"))
                .step("save the offsets", kafka.exportOffsets(backup, GROUP))
                .step(
                        "skip the poison message",
                        kafka.resetOffsets(GROUP).partitions("orders", partition).shiftBy(1))
                .id("skip-poison")
                .waitUntil(
                        "the projector catches up",
                        kafka.consumerLag(GROUP).map("orders-projector lag", lag -> lag.total()),
                        dev.runbook.core.Conditions.atMost(100),
                        Duration.ofMinutes(10))
                .build();
    }
}
