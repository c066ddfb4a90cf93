package dev.runbook.kafka.test;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A real consumer group member polling in a background thread, for tests that need an active group or
 * a rebalance. Closing it leaves the group (which becomes EMPTY once no member is left).
 *
 * <pre>{@code
 * try (ActiveConsumer member = KafkaTestCluster.get().joinGroup("orders", List.of("orders"))) {
 *     // the group is Stable with one member: a reset of its offsets is refused
 * }
 * }</pre>
 */
public final class ActiveConsumer implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private ActiveConsumer(Properties config, Collection<String> topics) {
        this.consumer = new KafkaConsumer<>(config);
        this.thread = new Thread(() -> loop(topics), "active-consumer-" + config.get("group.id"));
        this.thread.setDaemon(true);
    }

    /**
     * Starts a member with {@code config} subscribed to {@code topics}; returns once it is assigned
     * partitions (at most {@code wait}).
     *
     * @throws IllegalStateException if it gets no assignment in time
     */
    public static ActiveConsumer start(Properties config, Collection<String> topics, Duration wait) {
        ActiveConsumer c = new ActiveConsumer(config, topics);
        c.thread.start();
        try {
            if (!c.assigned.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                c.close();
                throw new IllegalStateException("consumer of " + config.get("group.id") + " got no assignment in "
                        + wait + (c.failure.get() == null ? "" : ": " + c.failure.get()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return c;
    }

    private void loop(Collection<String> topics) {
        try {
            consumer.subscribe(topics);
            while (running) {
                consumer.poll(Duration.ofMillis(100));
                if (!consumer.assignment().isEmpty()) {
                    assigned.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
