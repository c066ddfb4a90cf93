package dev.runbook.examples;

import static dev.runbook.core.Conditions.below;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.Severity;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpMetric;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.PodHealth;
import dev.runbook.k8s.ScaleDeployment;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Seed runbook INC-012 "Cross-region replication lag" as code, over three Kubernetes contexts. Each seed
 * command and the step that replaces it:
 *
 * <ul>
 *   <li>{@code kubectl --context=smp-asia|smp-china|smp-us get pods -n smp-prod -l app=replication-agent} and
 *       {@code curl -s http://mirrormaker-asia-to-cn:8080/metrics | grep lag}: precheck {@code
 *       replication-behind}, one {@link ReplicationStatus} reading: {@code
 *       region_replication_lag_seconds{region="cn-to-global"}} (core's {@link HttpMetric}, the largest
 *       matching series) and the agents' pod health per context; it holds if the lag is above the alert
 *       threshold (or cannot be read) or an agent is not ready in some context.
 *   <li>Scenario 3 (schema incompatibility) and the compliance note (PII never leaves CN): manual steps
 *       {@code rule-out-schema-change} and {@code no-pii-outside-cn}; nothing here can check either.
 *   <li>Scenario 1 (network blip, wait 5-10 min) and scenario 2 ({@code kubectl --context=smp-asia rollout
 *       restart deployment/mirrormaker-to-cn -n smp-prod}): step {@code restart-mirrormaker}, a
 *       RestartDeployment in the MirrorMaker context that first waits up to {@code blipWait} for the lag and
 *       the agents to recover by themselves ({@link Unless}), and restarts only if they do not.
 *   <li>Scenario 4 ({@code kubectl --context=smp-asia scale deployment/mirrormaker-to-cn --replicas=3}): step
 *       {@code scale-up}, skipped if the lag is already back when the run reaches it; wait {@code
 *       lag-recovered} (the lag catches up, at most {@code recoveryTimeout}); step {@code scale-back} to the
 *       count the plan found ("temporarily").
 *   <li>Resolve ("lag &lt; 30 s for hot data", all regions): verify {@code lag-under-hot} and one verify per
 *       context, {@code agents-ready-<context>}; a manual spot check of 10 records per region.
 * </ul>
 *
 * <pre>{@code
 * try (K8sActions asia = K8sActions.connect("smp-asia");
 *         K8sActions china = K8sActions.connect("smp-china");
 *         K8sActions us = K8sActions.connect("smp-us")) {
 *     Plan plan = engine.plan(CrossRegionReplicationLag.runbook(asia, china, us,
 *             CrossRegionReplicationLag.lag(CrossRegionReplicationLag.METRICS_URL)));
 * }
 * }</pre>
 *
 * <p>Every step's target names its context ({@code smp-asia/smp-prod/deployment/mirrormaker-to-cn}), and the
 * target is part of the reviewed plan: a plan made for smp-asia is refused by a runbook rebuilt for another
 * context.
 */
public final class CrossRegionReplicationLag {
    /** The seed's namespace. */
    public static final String NAMESPACE = "smp-prod";

    /** The seed's replication agents ({@code -l app=replication-agent}). */
    public static final String AGENTS = "app=replication-agent";

    /** The seed's MirrorMaker Deployment, in smp-asia. */
    public static final String MIRROR_MAKER = "mirrormaker-to-cn";

    /** The seed's MirrorMaker metrics endpoint. */
    public static final String METRICS_URL = "http://mirrormaker-asia-to-cn:8080/metrics";

    /** The seed's trigger metric. */
    public static final String LAG_METRIC = "region_replication_lag_seconds";

    /** The seed's trigger label: {@code region="cn-to-global"}. */
    public static final String REGION = "cn-to-global";

    /** The seed's scenario 4: {@code --replicas=3}. */
    public static final int SCALE_TO = 3;

    /** The seed's trigger for hot data: lag above 60 s. */
    public static final double ALERT_SECONDS = 60;

    /** The seed's resolve for hot data: lag under 30 s. */
    public static final double HOT_SECONDS = 30;

    private CrossRegionReplicationLag() {}

    /** The seed's lag probe at {@code url}: the largest {@code region_replication_lag_seconds{region="cn-to-global"}}. */
    public static HttpMetric lag(String url) {
        return Http.metric(url, LAG_METRIC).label("region", REGION);
    }

    /**
     * The runbook with the seed's values: MirrorMaker {@code mirrormaker-to-cn} in {@code asia}, agents {@code
     * app=replication-agent} in {@code smp-prod} of the three contexts, scale to 3, alert at 60 s, resolved
     * under 30 s, 5 minutes for a network blip, 15 minutes to catch up.
     */
    public static Runbook runbook(K8sActions asia, K8sActions china, K8sActions us, Probe<Double> lag) {
        return runbook(
                List.of(asia, china, us),
                asia,
                lag,
                NAMESPACE,
                AGENTS,
                MIRROR_MAKER,
                SCALE_TO,
                ALERT_SECONDS,
                HOT_SECONDS,
                Duration.ofMinutes(5),
                Duration.ofMinutes(15));
    }

    /**
     * The runbook for one replication path.
     *
     * @param contexts the clusters whose agents are checked, such as smp-asia, smp-china, smp-us
     * @param mirrorMaker the cluster MirrorMaker runs in (one of {@code contexts})
     * @param lag the replication lag in seconds, such as {@link #lag(String)}
     * @param namespace the namespace of the agents and of MirrorMaker, such as {@code smp-prod}
     * @param agents the agents' label selector, such as {@code app=replication-agent}
     * @param mirrorMakerDeployment MirrorMaker's Deployment, such as {@code mirrormaker-to-cn}
     * @param scaleTo the replicas while the lag catches up, such as 3
     * @param alertSeconds the lag above which the runbook applies, such as 60
     * @param hotSeconds the lag under which it is resolved, such as 30
     * @param blipWait how long the lag may take to recover by itself before MirrorMaker is restarted (0: no wait)
     * @param recoveryTimeout how long the lag may take to catch up after the restart and the scale-up
     * @throws IllegalArgumentException for no context, a context given twice, MirrorMaker's context not among
     *     them, a blank name, {@code scaleTo < 1}, thresholds that are negative or with {@code hotSeconds >
     *     alertSeconds}, a negative blip wait or a recovery timeout that is not positive
     */
    public static Runbook runbook(
            List<K8sActions> contexts,
            K8sActions mirrorMaker,
            Probe<Double> lag,
            String namespace,
            String agents,
            String mirrorMakerDeployment,
            int scaleTo,
            double alertSeconds,
            double hotSeconds,
            Duration blipWait,
            Duration recoveryTimeout) {
        check(contexts, mirrorMaker, namespace, agents, mirrorMakerDeployment);
        if (scaleTo < 1) {
            throw new IllegalArgumentException("scaleTo must be >= 1 (the seed scales to 3), was " + scaleTo);
        }
        if (!(hotSeconds >= 0 && alertSeconds >= hotSeconds)) {
            throw new IllegalArgumentException("the thresholds must be 0 <= hotSeconds <= alertSeconds (the seed's are"
                    + " 30 and 60), were " + hotSeconds + " and " + alertSeconds);
        }
        if (blipWait == null || blipWait.isNegative()) {
            throw new IllegalArgumentException("blipWait must be >= 0 (the seed waits 5-10 minutes), was " + blipWait);
        }
        if (recoveryTimeout == null || recoveryTimeout.isNegative() || recoveryTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "recoveryTimeout must be > 0 (the seed lets the lag catch up over time), was " + recoveryTimeout);
        }
        String where = mirrorMakerDeployment + " in " + mirrorMaker.context();
        Probe<ReplicationStatus> status = ReplicationStatus.probe(lag, contexts, namespace, agents);
        ScaleDeployment up = mirrorMaker.scaleDeployment(namespace, mirrorMakerDeployment, scaleTo);
        Runbook.Builder b = Runbook.builder("INC-012", "Cross-region replication lag")
                .severity(Severity.SEV2)
                .service(mirrorMakerDeployment)
                .link("seeds/000 INC-012: Triage, Mitigation scenarios 1-4, Compliance impact, Resolve")
                .verifyTimeout(Duration.ofSeconds(10)) // restart and scale wait for their rollout themselves
                .precheck("replication is behind or an agent is down", status, ReplicationStatus.behind(alertSeconds))
                .id("replication-behind")
                .manual(
                        "rule out a schema change (scenario 3)",
                        "If a deploy just made the source emit a new schema the target has not migrated to, a"
                                + " restart will not help: pause replication, deploy the target's schema migration"
                                + " first, resume, and stop this run")
                .id("rule-out-schema-change")
                .manual(
                        "confirm no PII leaves CN",
                        "PIPL/GDPR: the replication agents never replicate PII outside CN; only master data"
                                + " (countries, currencies, rates, i18n) is cross-region. The steps below restart"
                                + " and scale " + where + " and change nothing it replicates; confirm that no one"
                                + " changes its topics or filters to catch up")
                .id("no-pii-outside-cn")
                .step(
                        "restart " + where + " unless it recovers",
                        Unless.holdsWithin(
                                status,
                                ReplicationStatus.recovered(hotSeconds),
                                blipWait,
                                mirrorMaker
                                        .restartDeployment(namespace, mirrorMakerDeployment)
                                        .allowInProgress())) // a crashed agent's rollout never finished
                .id("restart-mirrormaker")
                .step(
                        "scale " + where + " to " + scaleTo + " while it catches up",
                        Unless.holdsWithin(lag, below(hotSeconds), Duration.ZERO, Sequenced.after(up)))
                .id("scale-up")
                .waitUntil("the lag is under " + Math.round(hotSeconds) + " s", lag, below(hotSeconds), recoveryTimeout)
                .id("lag-recovered")
                .step("scale " + where + " back", Sequenced.undo(up))
                .id("scale-back")
                .verify("the lag is under " + Math.round(hotSeconds) + " s (hot data)", lag, below(hotSeconds))
                .id("lag-under-hot");
        for (K8sActions k : contexts) {
            b.verify("replication agents are ready in " + k.context(), k.podHealth(namespace, agents), ready())
                    .id("agents-ready-" + k.context());
        }
        return b.manual(
                        "spot-check the regions and tell the team",
                        "Spot-check 10 records of currency_rates, tax_configs and i18n_translations in every"
                                + " region; warm data lag under 5 min; post in #prod-alerts; if it was a schema"
                                + " change, update the deployment process")
                .id("resolve")
                .build();
    }

    /** At least one pod, every pod ready. */
    static Condition<PodHealth> ready() {
        return Condition.of(
                "has every pod ready",
                h -> !h.pods().isEmpty() && h.ready() == h.pods().size());
    }

    private static void check(
            List<K8sActions> contexts, K8sActions mirrorMaker, String namespace, String agents, String deployment) {
        if (contexts == null || contexts.isEmpty()) {
            throw new IllegalArgumentException("no context given; give the seed's smp-asia, smp-china and smp-us");
        }
        Set<String> seen = new HashSet<>();
        for (K8sActions k : contexts) {
            if (!seen.add(k.context())) {
                throw new IllegalArgumentException("context " + k.context() + " is given twice; give each once");
            }
        }
        if (mirrorMaker == null || !seen.contains(mirrorMaker.context())) {
            throw new IllegalArgumentException("MirrorMaker's context "
                    + (mirrorMaker == null ? "is missing" : mirrorMaker.context() + " is not among " + seen)
                    + "; give it among the contexts (the seed's is smp-asia)");
        }
        requireName("namespace", namespace, NAMESPACE);
        requireName("agents", agents, AGENTS);
        requireName("mirrorMakerDeployment", deployment, MIRROR_MAKER);
    }

    private static void requireName(String what, String value, String example) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing, such as '" + example + "'");
        }
    }
}
