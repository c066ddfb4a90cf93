package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Deployment and ReplicaSet controllers do, in small: one ReplicaSet per pod template (named
 * {@code <deployment>-<pod-template-hash>}, owned by the Deployment, with {@code
 * deployment.kubernetes.io/revision}), a rolling update within maxSurge and maxUnavailable (or Recreate),
 * old ReplicaSets kept up to {@code revisionHistoryLimit}, pods per ReplicaSet, and the Deployment's
 * status with the Available and Progressing conditions (including {@code ProgressDeadlineExceeded}).
 */
final class DeploymentController {
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String HASH = "pod-template-hash";
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    private final Controller c;
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    /** The last time a rollout moved, and what it looked like then. */
    private record Progress(String signature, Instant at) {}

    DeploymentController(Controller c) {
        this.c = c;
    }

    void rollout(Deployment d, Controller.Snapshot s) {
        revertRestartIfTold(d);
        PodTemplateSpec template = d.getSpec().getTemplate();
        List<ReplicaSet> owned = owned(d, s);
        ReplicaSet current = owned.stream()
                .filter(rs -> sameTemplate(rs.getSpec().getTemplate(), template))
                .findFirst()
                .orElse(null);
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            return;
        }
        long maxRevision =
                owned.stream().mapToLong(DeploymentController::revision).max().orElse(0);
        if (current == null) {
            current = createReplicaSet(d, template, maxRevision + 1, s);
            if (current == null) {
                return;
            }
        } else if (revision(current) < maxRevision) {
            current = annotate(current, REVISION, String.valueOf(maxRevision + 1), s);
        }
        String rev = current.getMetadata().getAnnotations().get(REVISION);
        if (!rev.equals(d.getMetadata().getAnnotations().get(REVISION))) {
            c.client
                    .apps()
                    .deployments()
                    .inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"annotations\":{\"" + REVISION + "\":\"" + rev + "\"}}}");
        }
        int replicas = replicas(d);
        String currentUid = current.getMetadata().getUid();
        List<ReplicaSet> old = owned(d, s).stream()
                .filter(rs -> !rs.getMetadata().getUid().equals(currentUid))
                .sorted(Comparator.comparingLong(DeploymentController::revision))
                .toList();
        ReplicaSet now = owned(d, s).stream()
                .filter(rs -> rs.getMetadata().getUid().equals(currentUid))
                .findFirst()
                .orElse(current);
        int oldSpec = old.stream().mapToInt(DeploymentController::specReplicas).sum();
        boolean recreate = d.getSpec().getStrategy() != null
                && "Recreate".equals(d.getSpec().getStrategy().getType());
        if (oldSpec == 0 || recreate) {
            for (ReplicaSet o : old) {
                if (specReplicas(o) > 0) {
                    scale(o, 0, s);
                }
            }
            boolean oldPodsGone = old.stream().allMatch(o -> s.ownedBy(o).isEmpty());
            if ((oldSpec == 0 || oldPodsGone) && specReplicas(now) != replicas) {
                scale(now, replicas, s);
            }
        } else {
            int surge = resolve(strategyValue(d, true), replicas, true);
            int unavailable = resolve(strategyValue(d, false), replicas, false);
            if (surge == 0 && unavailable == 0) {
                unavailable = 1;
            }
            int total = oldSpec + specReplicas(now);
            int target = specReplicas(now);
            if (total < replicas + surge && target < replicas) {
                target = Math.min(replicas, target + (replicas + surge - total));
                now = scale(now, target, s);
            } else if (target > replicas) {
                now = scale(now, replicas, s);
            }
            total = oldSpec + specReplicas(now);
            int newUnavailable = specReplicas(now) - (int) available(s.ownedBy(now));
            int canRemove = total - (replicas - unavailable) - Math.max(0, newUnavailable);
            for (ReplicaSet o : old) {
                if (canRemove <= 0) {
                    break;
                }
                int cut = Math.min(canRemove, specReplicas(o));
                if (cut > 0) {
                    scale(o, specReplicas(o) - cut, s);
                    canRemove -= cut;
                }
            }
        }
        cleanUpHistory(d, currentUid, s);
    }

    /** The ReplicaSet controller: as many pods as each ReplicaSet asks for. */
    void replicaSets(Controller.Snapshot s) {
        for (ReplicaSet rs : List.copyOf(s.replicaSets)) {
            List<Pod> pods = s.ownedBy(rs);
            int want = specReplicas(rs);
            for (int i = pods.size(); i < want; i++) {
                Pod p = new PodBuilder()
                        .withNewMetadata()
                        .withName(rs.getMetadata().getName() + "-" + Names.random(5))
                        .withNamespace(rs.getMetadata().getNamespace())
                        .withLabels(rs.getSpec().getTemplate().getMetadata().getLabels())
                        .withAnnotations(
                                rs.getSpec().getTemplate().getMetadata().getAnnotations())
                        .withOwnerReferences(Controller.ownerOf(rs))
                        .endMetadata()
                        .withSpec(rs.getSpec().getTemplate().getSpec())
                        .build();
                s.pods.add(c.client.pods().resource(p).create());
            }
            if (pods.size() > want) {
                pods.stream()
                        .sorted(Comparator.comparing((Pod p) -> PodLifecycle.isReady(p))
                                .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()))
                        .limit(pods.size() - want)
                        .forEach(p -> {
                            c.client.pods().resource(p).withGracePeriod(0).delete();
                            s.pods.remove(p);
                        });
            }
            List<Pod> after = s.ownedBy(rs);
            var status = new ReplicaSetStatusBuilder()
                    .withReplicas(after.size())
                    .withReadyReplicas((int) available(after))
                    .withAvailableReplicas((int) available(after))
                    .withFullyLabeledReplicas(after.size())
                    .withObservedGeneration(rs.getMetadata().getGeneration())
                    .build();
            if (!status.equals(rs.getStatus())) {
                c.patchStatus("ReplicaSet", rs, status);
            }
        }
    }

    /** The Deployment's status as the real controller computes it. */
    void status(Deployment d, Controller.Snapshot s) {
        List<ReplicaSet> owned = owned(d, s);
        ReplicaSet current = owned.stream()
                .filter(rs ->
                        sameTemplate(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                .findFirst()
                .orElse(null);
        int replicas = replicas(d);
        int all = 0;
        int ready = 0;
        for (ReplicaSet rs : owned) {
            List<Pod> pods = s.ownedBy(rs);
            all += pods.size();
            ready += (int) available(pods);
        }
        int updated = current == null ? 0 : s.ownedBy(current).size();
        int updatedAvailable = current == null ? 0 : (int) available(s.ownedBy(current));
        int unavailableAllowed = resolve(strategyValue(d, false), replicas, false);
        boolean complete = updated == replicas && all == replicas && updatedAvailable == replicas && current != null;
        String rsName = current == null
                ? d.getMetadata().getName()
                : current.getMetadata().getName();
        String signature = (current == null ? "-" : current.getMetadata().getName()) + "/" + all + "/" + updated + "/"
                + ready + "/" + d.getMetadata().getGeneration();
        String key = Controller.key(d);
        Instant now = c.clock.instant();
        Progress last = progress.get(key);
        if (last == null || !last.signature().equals(signature)) {
            last = new Progress(signature, now);
            progress.put(key, last);
        }
        DeploymentStatus before = d.getStatus();
        Map<String, DeploymentCondition> conditions = new LinkedHashMap<>();
        if (before != null) {
            before.getConditions().forEach(cond -> conditions.put(cond.getType(), cond));
        }
        boolean available = ready >= replicas - unavailableAllowed;
        put(
                conditions,
                "Available",
                available ? "True" : "False",
                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                now);
        Integer deadlineSeconds = d.getSpec().getProgressDeadlineSeconds();
        long deadline = deadlineSeconds == null ? 600 : deadlineSeconds;
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            put(conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now);
        } else if (complete) {
            put(
                    conditions,
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    "ReplicaSet \"" + rsName + "\" has successfully progressed.",
                    now);
        } else if (now.isAfter(last.at().plusSeconds(deadline))) {
            put(
                    conditions,
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    "ReplicaSet \"" + rsName + "\" has timed out progressing.",
                    now);
        } else {
            putProgressing(conditions, "ReplicaSet \"" + rsName + "\" is progressing.", last.at());
            c.kickIn(last.at().plusSeconds(deadline).toEpochMilli() - now.toEpochMilli() + 5);
        }
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(all)
                .withUpdatedReplicas(updated)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas(Math.max(0, replicas - ready))
                .withConditions(List.copyOf(conditions.values()))
                .build();
        if (!Objects.equals(status, before)) {
            c.patchStatus("Deployment", d, status);
            if (complete && (before == null || !isComplete(before, d))) {
                c.rolloutCompleteNanos.put(key, System.nanoTime());
            }
        }
    }

    private static boolean isComplete(DeploymentStatus st, Deployment d) {
        return Objects.equals(st.getObservedGeneration(), d.getMetadata().getGeneration())
                && st.getConditions().stream()
                        .anyMatch(x ->
                                "Progressing".equals(x.getType()) && "NewReplicaSetAvailable".equals(x.getReason()));
    }

    private static void put(
            Map<String, DeploymentCondition> conds,
            String type,
            String status,
            String reason,
            String message,
            Instant now) {
        DeploymentCondition was = conds.get(type);
        if (was != null
                && status.equals(was.getStatus())
                && reason.equals(was.getReason())
                && message.equals(was.getMessage())) {
            return;
        }
        String transition =
                was != null && status.equals(was.getStatus()) ? was.getLastTransitionTime() : now.toString();
        conds.put(
                type,
                new DeploymentConditionBuilder()
                        .withType(type)
                        .withStatus(status)
                        .withReason(reason)
                        .withMessage(message)
                        .withLastUpdateTime(now.toString())
                        .withLastTransitionTime(transition)
                        .build());
    }

    private static void putProgressing(Map<String, DeploymentCondition> conds, String message, Instant lastProgress) {
        DeploymentCondition was = conds.get("Progressing");
        String reason = was == null || !"True".equals(was.getStatus()) ? "NewReplicaSetCreated" : "ReplicaSetUpdated";
        if (was != null && "True".equals(was.getStatus()) && message.equals(was.getMessage())) {
            reason = was.getReason();
            if ("NewReplicaSetAvailable".equals(reason)) {
                reason = "ReplicaSetUpdated";
            }
        }
        String transition =
                was != null && "True".equals(was.getStatus()) ? was.getLastTransitionTime() : lastProgress.toString();
        conds.put(
                "Progressing",
                new DeploymentConditionBuilder()
                        .withType("Progressing")
                        .withStatus("True")
                        .withReason(reason)
                        .withMessage(message)
                        .withLastUpdateTime(lastProgress.toString())
                        .withLastTransitionTime(transition)
                        .build());
    }

    private ReplicaSet createReplicaSet(Deployment d, PodTemplateSpec template, long revision, Controller.Snapshot s) {
        String hash = Names.templateHash(template);
        PodTemplateSpec t = c.client.getKubernetesSerialization().clone(template);
        Map<String, String> labels = new HashMap<>(t.getMetadata().getLabels());
        labels.put(HASH, hash);
        t.getMetadata().setLabels(labels);
        Map<String, String> selector = new HashMap<>(d.getSpec().getSelector().getMatchLabels());
        selector.put(HASH, hash);
        Map<String, String> annotations = new HashMap<>();
        annotations.put(REVISION, String.valueOf(revision));
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(d.getMetadata().getName() + "-" + hash)
                .withNamespace(d.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(Controller.ownerOf(d))
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withSelector(
                        new LabelSelectorBuilder().withMatchLabels(selector).build())
                .withTemplate(t)
                .endSpec()
                .build();
        try {
            ReplicaSet created = c.client.apps().replicaSets().resource(rs).create();
            s.replicaSets.add(created);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                c.kick();
                return null;
            }
            throw e;
        }
    }

    private ReplicaSet annotate(ReplicaSet rs, String key, String value, Controller.Snapshot s) {
        ReplicaSet r = c.client
                .apps()
                .replicaSets()
                .resource(rs)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}");
        s.replace(r);
        return r;
    }

    private ReplicaSet scale(ReplicaSet rs, int replicas, Controller.Snapshot s) {
        ReplicaSet r = c.client
                .apps()
                .replicaSets()
                .resource(rs)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
        s.replace(r);
        return r;
    }

    private void cleanUpHistory(Deployment d, String currentUid, Controller.Snapshot s) {
        Integer limit = d.getSpec().getRevisionHistoryLimit();
        int keep = limit == null ? 10 : limit;
        List<ReplicaSet> idle = owned(d, s).stream()
                .filter(rs -> !rs.getMetadata().getUid().equals(currentUid)
                        && specReplicas(rs) == 0
                        && s.ownedBy(rs).isEmpty())
                .sorted(Comparator.comparingLong(DeploymentController::revision))
                .toList();
        for (int i = 0; i < idle.size() - keep; i++) {
            c.client.apps().replicaSets().resource(idle.get(i)).delete();
            s.replicaSets.remove(idle.get(i));
        }
    }

    private void revertRestartIfTold(Deployment d) {
        String key = Controller.key(d);
        if (!c.revertRestarts.containsKey(key)) {
            return;
        }
        String original = c.revertRestarts.get(key);
        Map<String, String> ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
        String now = ann == null ? null : ann.get(RESTARTED_AT);
        String want = original.isEmpty() ? null : original;
        if (!Objects.equals(now, want)) {
            String value = want == null ? "null" : "\"" + want + "\"";
            c.client
                    .apps()
                    .deployments()
                    .inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RESTARTED_AT + "\":" + value
                                    + "}}}}}");
        }
    }

    private List<ReplicaSet> owned(Deployment d, Controller.Snapshot s) {
        return s.replicaSets.stream().filter(rs -> Controller.isOwnedBy(rs, d)).toList();
    }

    static boolean sameTemplate(PodTemplateSpec ofReplicaSet, PodTemplateSpec ofDeployment) {
        return Names.withoutHash(ofReplicaSet).equals(Names.withoutHash(ofDeployment));
    }

    static long revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        String r = a == null ? null : a.get(REVISION);
        try {
            return r == null ? 0 : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int specReplicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    }

    static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    static long available(List<Pod> pods) {
        return pods.stream().filter(PodLifecycle::isReady).count();
    }

    private static IntOrString strategyValue(Deployment d, boolean surge) {
        var st = d.getSpec().getStrategy();
        if (st == null || st.getRollingUpdate() == null) {
            return null;
        }
        return surge
                ? st.getRollingUpdate().getMaxSurge()
                : st.getRollingUpdate().getMaxUnavailable();
    }

    /** An absolute count or a percentage of replicas: surge rounds up, unavailable rounds down (25% default). */
    static int resolve(IntOrString v, int replicas, boolean roundUp) {
        if (v == null) {
            return roundUp ? (int) Math.ceil(replicas * 0.25) : (int) Math.floor(replicas * 0.25);
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal().trim();
        double pct = Double.parseDouble(s.endsWith("%") ? s.substring(0, s.length() - 1) : s) / 100.0;
        return roundUp ? (int) Math.ceil(replicas * pct) : (int) Math.floor(replicas * pct);
    }
}
