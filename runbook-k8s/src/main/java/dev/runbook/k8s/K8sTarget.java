package dev.runbook.k8s;

import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.TargetUnavailableException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.function.Supplier;

/**
 * The cluster an action works on: a client and the context name every target carries. Turns fabric8's
 * failures into the library's exceptions, each naming the object and the way out.
 */
final class K8sTarget implements AutoCloseable {
    private final KubernetesClient client;
    private final String context;
    private final boolean owns;

    K8sTarget(KubernetesClient client, String context, boolean owns) {
        this.client = client;
        this.context = context;
        this.owns = owns;
    }

    KubernetesClient client() {
        return client;
    }

    String context() {
        return context;
    }

    String server() {
        return client.getConfiguration().getMasterUrl();
    }

    /** The workload, or null when it does not exist. */
    HasMetadata get(WorkloadRef ref) {
        return call("get " + ref, () -> switch (ref.kind()) {
            case DEPLOYMENT ->
                client.apps()
                        .deployments()
                        .inNamespace(ref.namespace())
                        .withName(ref.name())
                        .get();
            case STATEFULSET ->
                client.apps()
                        .statefulSets()
                        .inNamespace(ref.namespace())
                        .withName(ref.name())
                        .get();
            case DAEMONSET ->
                client.apps()
                        .daemonSets()
                        .inNamespace(ref.namespace())
                        .withName(ref.name())
                        .get();
        });
    }

    /**
     * The workload, refused when missing: the refusal names the namespace and, when a workload of another
     * kind has the name, that kind and the method to use instead.
     */
    HasMetadata require(WorkloadRef ref) {
        HasMetadata o = get(ref);
        if (o != null) {
            return o;
        }
        if (call(
                        "get namespace " + ref.namespace(),
                        () -> client.namespaces().withName(ref.namespace()).get())
                == null) {
            throw new RefusedException(context + " has no namespace '" + ref.namespace() + "' (looking for " + ref
                    + "); check the namespace (kubectl --context " + context + " get namespaces)");
        }
        for (WorkloadKind k : WorkloadKind.values()) {
            if (k != ref.kind() && get(new WorkloadRef(context, ref.namespace(), k, ref.name())) != null) {
                throw new RefusedException(context + "/" + ref.namespace() + "/" + ref.name() + " is a " + k.kind()
                        + ", not a " + ref.kind().kind() + "; name it as " + k.label() + "/" + ref.name());
            }
        }
        throw new RefusedException(ref + " not found: no " + ref.kind().kind() + " '" + ref.name() + "' in namespace '"
                + ref.namespace() + "' of context " + context + " (kubectl --context " + context + " -n "
                + ref.namespace() + " get " + ref.kind().resource() + ")");
    }

    /** A JSON merge patch of the workload (or its {@code subresource}); {@code dryRun} sends {@code dryRun=All}. */
    HasMetadata patch(WorkloadRef ref, String subresource, String mergePatch, boolean dryRun) {
        PatchContext ctx = PatchContext.of(PatchType.JSON_MERGE);
        return call((dryRun ? "dry-run patch " : "patch ") + ref, () -> switch (ref.kind()) {
            case DEPLOYMENT -> {
                var r = client.apps().deployments().inNamespace(ref.namespace()).withName(ref.name());
                var base = dryRun ? r.dryRun() : r;
                yield subresource == null
                        ? base.patch(ctx, mergePatch)
                        : base.subresource(subresource).patch(ctx, mergePatch);
            }
            case STATEFULSET -> {
                var r = client.apps()
                        .statefulSets()
                        .inNamespace(ref.namespace())
                        .withName(ref.name());
                var base = dryRun ? r.dryRun() : r;
                yield subresource == null
                        ? base.patch(ctx, mergePatch)
                        : base.subresource(subresource).patch(ctx, mergePatch);
            }
            case DAEMONSET -> {
                var r = client.apps().daemonSets().inNamespace(ref.namespace()).withName(ref.name());
                var base = dryRun ? r.dryRun() : r;
                yield subresource == null
                        ? base.patch(ctx, mergePatch)
                        : base.subresource(subresource).patch(ctx, mergePatch);
            }
        });
    }

    /** Watches one workload; events arrive on fabric8's thread. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Watch watch(WorkloadRef ref, Watcher<HasMetadata> watcher) {
        return call("watch " + ref, () -> switch (ref.kind()) {
            case DEPLOYMENT ->
                client.apps()
                        .deployments()
                        .inNamespace(ref.namespace())
                        .withName(ref.name())
                        .watch((Watcher) watcher);
            case STATEFULSET ->
                client.apps()
                        .statefulSets()
                        .inNamespace(ref.namespace())
                        .withName(ref.name())
                        .watch((Watcher) watcher);
            case DAEMONSET ->
                client.apps()
                        .daemonSets()
                        .inNamespace(ref.namespace())
                        .withName(ref.name())
                        .watch((Watcher) watcher);
        });
    }

    /** Runs an API call, turning fabric8's failures into the library's exceptions. */
    <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (KubernetesClientException e) {
            throw translate(what, e);
        }
    }

    RuntimeException translate(String what, KubernetesClientException e) {
        String server = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : rootMessage(e);
        int code = e.getCode();
        String on = "context " + context + ": " + what;
        return switch (code) {
            case 403 ->
                new RefusedException(on + " is forbidden: " + server + "; ask for that permission (kubectl --context "
                        + context + " auth can-i --list) or run with an account that has it");
            case 401 ->
                new TargetUnavailableException(
                        on + " was not authenticated (" + server + "); refresh the credentials of context " + context
                                + " (kubectl --context " + context + " get ns)",
                        e,
                        false);
            case 404 -> new RefusedException(on + ": not found (" + server + ")", e);
            case 409 ->
                new StalePlanException(on + ": the object changed since the plan (" + server
                        + "); plan again and review the new plan");
            case 400, 415, 422 -> new RefusedException(on + " was rejected by the API server: " + server, e);
            case 429 -> new RefusedException(on + " was refused: " + server, e);
            default ->
                new TargetUnavailableException(
                        on + " failed: " + (code > 0 ? "HTTP " + code + " " : "") + server
                                + "; check that the API server " + server() + " is reachable, then run again",
                        e,
                        true);
        };
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getClass().getSimpleName() + ": " + t.getMessage();
            } else {
                msg = t.getClass().getSimpleName();
            }
        }
        return msg;
    }

    @Override
    public void close() {
        if (owns) {
            client.close();
        }
    }
}
