package dev.runbook.examples;

import static dev.runbook.core.Conditions.above;
import static dev.runbook.core.Conditions.atMost;
import static dev.runbook.core.Conditions.zero;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.PodHealth;
import dev.runbook.k8s.ScaleDeployment;
import dev.runbook.k8s.SetConfigValue;
import dev.runbook.redis.RedisActions;
import java.time.Duration;

/**
 * Seed runbook INC-001 "Dispatch engine down" as code: check that the engine's pods are down and the
 * dispatch queue backs up, tell the team, turn auto dispatch off while ops dispatch by hand (option D),
 * restart the Deployment (option A), turn auto dispatch back on, scale up to 5 for the backlog (option B),
 * wait until the queue is drained, scale back, verify, and tell the team it is resolved.
 *
 * <pre>{@code
 * try (K8sActions k8s = K8sActions.connect("smp-asia");
 *         RedisActions redis = RedisActions.connect("redis://prod-redis.smp.local:6379")) {
 *     Runbook rb = DispatchEngineDown.runbook(k8s, redis);
 *     Plan plan = engine.plan(rb);
 * }
 * }</pre>
 *
 * <p>The second step on the same object (the flag back on, the scale after the restart, the scale back)
 * is {@link Sequenced}: reviewed now, planned again at apply, refused unless it finds what the earlier
 * step left.
 */
public final class DispatchEngineDown {
    /** The seed's namespace. */
    public static final String NAMESPACE = "smp-prod";

    /** The seed's Deployment ({@code app=dispatch-engine}). */
    public static final String DEPLOYMENT = "dispatch-engine";

    /** The ConfigMap holding the feature flag. */
    public static final String FLAGS = "dispatch-flags";

    /** The seed's feature flag (option D). */
    public static final String FLAG = "ENABLE_AUTO_DISPATCH";

    /** The seed's queue ({@code redis-cli LLEN dispatch:queue:HCMC}). */
    public static final String QUEUE = "dispatch:queue:HCMC";

    /** The seed's option B: {@code kubectl scale --replicas=5}. */
    public static final int SCALE_TO = 5;

    /** The seed's triage: {@code LLEN > 100} is backpressure. */
    public static final long BACKLOG = 100;

    private DispatchEngineDown() {}

    /** The runbook with the seed's values (smp-prod, dispatch-engine, 5 replicas, backlog 100, 5 minutes to drain). */
    public static Runbook runbook(K8sActions k8s, RedisActions redis) {
        return runbook(k8s, redis, NAMESPACE, DEPLOYMENT, FLAGS, QUEUE, SCALE_TO, BACKLOG, Duration.ofMinutes(5));
    }

    /**
     * The runbook for one dispatch engine.
     *
     * @param k8s the cluster it runs in
     * @param redis the Redis holding its queue
     * @param namespace its namespace, such as {@code smp-prod}
     * @param deployment its Deployment, such as {@code dispatch-engine}
     * @param flagsConfigMap the ConfigMap holding {@value #FLAG}
     * @param queue the queue key, such as {@code dispatch:queue:HCMC}
     * @param scaleTo the replicas while the backlog drains, such as 5
     * @param backlog the queue depth above which the queue backs up, such as 100
     * @param drainTimeout how long the queue may take to drain
     * @throws IllegalArgumentException for a blank name, {@code scaleTo < 1}, {@code backlog < 0} or a timeout
     *     that is not positive
     */
    public static Runbook runbook(
            K8sActions k8s,
            RedisActions redis,
            String namespace,
            String deployment,
            String flagsConfigMap,
            String queue,
            int scaleTo,
            long backlog,
            Duration drainTimeout) {
        requireName("queue", queue);
        requireName("flagsConfigMap", flagsConfigMap);
        if (scaleTo < 1) {
            throw new IllegalArgumentException("scaleTo must be >= 1 (the seed scales to 5), was " + scaleTo);
        }
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be >= 0 (the seed's is 100), was " + backlog);
        }
        if (drainTimeout == null || drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "drainTimeout must be > 0 (the seed waits 5 minutes), was " + drainTimeout);
        }
        Probe<PodHealth> pods = k8s.podHealthOf(namespace, "deployment/" + deployment);
        Probe<Long> depth = redis.listLength(queue);
        SetConfigValue flagOff = k8s.setConfigValue(namespace, flagsConfigMap, FLAG, "false");
        ScaleDeployment up = k8s.scaleDeployment(namespace, deployment, scaleTo);
        return Runbook.builder("INC-001", "Dispatch engine down")
                .severity(Severity.SEV1)
                .service(deployment)
                .link("seeds/000 INC-001: Detect, Triage, Mitigate (options A, B, D), Communicate, Resolve")
                .verifyTimeout(Duration.ofSeconds(10)) // restart and scale wait for their rollout themselves
                .precheck("the dispatch engine is down", pods, down())
                .precheck(queue + " backs up", depth, above(backlog))
                .manual(
                        "tell the team it is down",
                        "Slack #prod-alerts: 'Dispatch engine down, investigating ETA 15 min'; status page"
                                + " (status.smp.vn) component Dispatch -> Degraded; in-app banner 'Đang xử lý chậm,"
                                + " mời thông cảm'; over 30 minutes: email the partners")
                .step("turn auto dispatch off", flagOff)
                .manual(
                        "dispatch the stuck orders by hand",
                        "Ops Lead: admin portal -> Manual dispatch tab, assign the orders stuck in stage 02 to"
                                + " technicians, and note each one in the audit log")
                .step(
                        "restart the dispatch engine",
                        k8s.restartDeployment(namespace, deployment)
                                .allowInProgress()) // its pods crash: the rollout never finished, that is the incident
                .step("turn auto dispatch back on", Sequenced.undo(flagOff))
                .step("scale up to " + scaleTo, Sequenced.after(up))
                .waitUntil(queue + " is drained", depth, zero(), drainTimeout)
                .step("scale back", Sequenced.undo(up))
                .verify("every dispatch engine pod is ready", pods, healthy())
                .verify(queue + " does not back up", depth, atMost(backlog))
                .manual(
                        "tell the team it is resolved",
                        "Status page component Dispatch -> Operational; Slack #prod-alerts: 'Resolved, monitoring 30"
                                + " min'; check that orders move from stage 02 to 03; post-mortem within 48 h if"
                                + " customers were affected")
                .build();
    }

    /** Fewer ready pods than pods, or none at all: the alert {@code dispatch_engine_up == 0}. */
    static Condition<PodHealth> down() {
        return Condition.of(
                "has a pod that is not ready, or no pod",
                h -> h.pods().isEmpty() || h.ready() < h.pods().size());
    }

    /** Every pod ready, and at least one. */
    static Condition<PodHealth> healthy() {
        return Condition.of(
                "has every pod ready",
                h -> !h.pods().isEmpty() && h.ready() == h.pods().size());
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    what + " is missing, such as '" + (what.equals("queue") ? QUEUE : FLAGS) + "'");
        }
    }
}
