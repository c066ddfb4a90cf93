package dev.runbook.k8s;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Condition;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code kubectl exec pod -c container -- argv...}, the escape hatch for an application's own admin
 * commands ({@code /app/bin/admin freeze}, {@code /app/bin/replay-webhooks}): the command is an argv list,
 * never a shell string; it runs once in one ready pod of the selector (the first by name); its exit code and
 * the tail of its output are recorded (secret values such as {@code password=...} shown as {@code ***}, as
 * {@link PodLogs} does). Always destructive, so the engine asks for approval.
 *
 * <pre>{@code
 * ExecInPod freeze = k8s.execInPod("smp-prod", "app=dispatch-engine", List.of("/app/bin/admin", "freeze"))
 *         .container("app")
 *         .doneWhen(k8s.podLogs("smp-prod", "app=dispatch-engine").count("FROZEN"), PodLogs.atLeast("FROZEN", 1));
 * }</pre>
 *
 * <p>A command is not idempotent by itself: without {@link #doneWhen} every apply runs it again (the plan
 * says so). With it, plan and apply first read the probe, and a step whose condition already holds is
 * UNCHANGED; verify then waits for the condition. A non-zero exit code is FAILED with the output's tail.
 *
 * @throws RefusedException from {@link #plan} when no pod of the selector is ready
 */
public final class ExecInPod implements Action {
    private final K8sTarget k8s;
    private final PodSource source;
    private final List<String> argv;
    private final String container;
    private final Probe<?> doneProbe;
    private final Condition<?> doneCondition;
    private final Duration timeout;
    private final int maxOutputBytes;

    ExecInPod(K8sTarget k8s, PodSource source, List<String> argv) {
        this(k8s, source, checked(argv), null, null, null, Duration.ofMinutes(5), 4096);
    }

    private ExecInPod(
            K8sTarget k8s,
            PodSource source,
            List<String> argv,
            String container,
            Probe<?> doneProbe,
            Condition<?> doneCondition,
            Duration timeout,
            int maxOutputBytes) {
        this.k8s = k8s;
        this.source = source;
        this.argv = argv;
        this.container = container;
        this.doneProbe = doneProbe;
        this.doneCondition = doneCondition;
        this.timeout = timeout;
        this.maxOutputBytes = maxOutputBytes;
    }

    private static List<String> checked(List<String> argv) {
        if (argv == null || argv.isEmpty() || argv.stream().anyMatch(a -> a == null)) {
            throw new IllegalArgumentException(
                    "the command is missing; give it as an argv list, e.g. List.of(\"/app/bin/admin\", \"freeze\")");
        }
        if (argv.size() == 1 && argv.get(0).strip().contains(" ")) {
            throw new IllegalArgumentException("'" + argv.get(0) + "' looks like a shell string; give the command as"
                    + " an argv list, e.g. List.of(\""
                    + String.join("\", \"", argv.get(0).strip().split("\\s+"))
                    + "\") (no shell runs it)");
        }
        return List.copyOf(argv);
    }

    /**
     * Every parameter apply uses.
     *
     * @param namespace the namespace
     * @param pods the pod ({@code pod/name}) or selector it picks one ready pod from
     * @param container the container, or null for the pod's default
     * @param argv the command
     * @param doneWhen the probe and condition that make it done, or null when there is none
     * @param timeoutSeconds how long the command may run
     * @param maxOutputBytes the output kept per stream (its tail)
     */
    public record Params(
            String namespace,
            String pods,
            String container,
            List<String> argv,
            String doneWhen,
            long timeoutSeconds,
            int maxOutputBytes) {}

    /**
     * What the plan observed.
     *
     * @param pod the pod it runs in
     * @param uid that pod's uid (a replacement with the same name is another pod)
     * @param done the doneWhen probe's value, or null without one
     */
    public record Observed(String pod, String uid, String done) {}

    /** Same, in container {@code name} ({@code kubectl exec -c name}). */
    public ExecInPod container(String name) {
        WorkloadRef.requireName("container", name);
        return new ExecInPod(k8s, source, argv, name, doneProbe, doneCondition, timeout, maxOutputBytes);
    }

    /** Same, done (UNCHANGED, not run again) once {@code probe} satisfies {@code condition}; verify waits for it. */
    public <T> ExecInPod doneWhen(Probe<T> probe, Condition<? super T> condition) {
        return new ExecInPod(
                k8s,
                source,
                argv,
                container,
                Objects.requireNonNull(probe, "probe"),
                Objects.requireNonNull(condition, "condition"),
                timeout,
                maxOutputBytes);
    }

    /** Same, given at most {@code timeout} to exit (default 5 minutes). */
    public ExecInPod timeout(Duration timeout) {
        if (timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("timeout must be at least one second, was " + timeout);
        }
        return new ExecInPod(k8s, source, argv, container, doneProbe, doneCondition, timeout, maxOutputBytes);
    }

    /** Same, keeping the last {@code n} bytes of stdout and of stderr (default 4096). */
    public ExecInPod maxOutputBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxOutputBytes must be >= 0, was " + n);
        }
        return new ExecInPod(k8s, source, argv, container, doneProbe, doneCondition, timeout, n);
    }

    @Override
    public String type() {
        return "k8s.execInPod";
    }

    @Override
    public String target() {
        return source + " exec " + argv;
    }

    @Override
    public Params parameters() {
        return new Params(
                source.namespace(),
                source.pod() != null ? "pod/" + source.pod() : source.selector(),
                container,
                argv,
                doneProbe == null ? null : doneProbe.name() + " " + doneCondition.description(),
                timeout.toSeconds(),
                maxOutputBytes);
    }

    /** Always: an application's command can do anything, and nothing records how to undo it. */
    @Override
    public boolean destructive() {
        return true;
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("pods");
    }

    /** The doneWhen probe's value as text and whether its condition holds; null without a probe. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Map.Entry<String, Boolean> done() {
        if (doneProbe == null) {
            return null;
        }
        Object v = doneProbe.read();
        return Map.entry(String.valueOf(v), ((Condition) doneCondition).test(v));
    }

    private Pod pick() {
        List<Pod> pods = source.pods(k8s);
        return pods.stream()
                .filter(ExecInPod::ready)
                .findFirst()
                .orElseThrow(() -> new RefusedException("no ready pod in " + source + " to run " + argv + " in ("
                        + pods.size() + " pods, none ready); check them (kubectl --context " + source.context()
                        + " -n " + source.namespace() + " get pods"
                        + (source.selector() == null ? "" : " -l " + source.selector()) + ")"));
    }

    static boolean ready(Pod p) {
        return p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase())
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Observed observe(Map.Entry<String, Boolean> done) {
        Pod p = pick();
        return new Observed(p.getMetadata().getName(), p.getMetadata().getUid(), done == null ? null : done.getKey());
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Map.Entry<String, Boolean> done = done();
        if (done != null && done.getValue()) {
            return StepPlan.unchanged(
                    this,
                    "already done: " + parameters().doneWhen() + " (" + done.getKey() + ")",
                    new Observed(null, null, done.getKey()));
        }
        Observed o = observe(done);
        String where = source.context() + "/" + source.namespace() + "/pod/" + o.pod()
                + (container == null ? "" : " container " + container);
        StepPlan.Builder b = StepPlan.builder(this)
                .summary("run " + argv + " once in " + where + ", at most " + timeout.toSeconds() + " s"
                        + (done == null ? "" : ", until " + parameters().doneWhen()))
                .before(o)
                .blastRadius("pods", 1)
                .resource(source.namespace() + "/pod/" + o.pod());
        if (done == null) {
            b.warning("no doneWhen probe: the plan cannot tell whether this command already ran, and a rerun runs it"
                    + " again; add .doneWhen(probe, condition) to make it idempotent");
        }
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Map.Entry<String, Boolean> done = done();
        if (plan.isNoop() || (done != null && done.getValue())) {
            return ApplyResult.unchanged("already done: " + parameters().doneWhen()
                            + (done == null ? "" : " (" + done.getKey() + ")"))
                    .build();
        }
        Observed o = observe(done);
        plan.requireUnchanged(o);
        TailBuffer out = new TailBuffer(maxOutputBytes);
        TailBuffer err = new TailBuffer(maxOutputBytes);
        String where = source.context() + "/" + source.namespace() + "/pod/" + o.pod();
        Integer exit = run(o.pod(), out, err, where);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pod", o.pod());
        details.put("container", container);
        details.put("argv", argv);
        details.put("exitCode", exit);
        String stdout = PodLogs.secretsRedacted(out.text());
        String stderr = PodLogs.secretsRedacted(err.text());
        details.put("stdout", stdout);
        details.put("stderr", stderr);
        if (exit == null) {
            return ApplyResult.of(
                            Outcome.UNKNOWN,
                            argv + " in " + where + " did not exit within " + timeout.toSeconds()
                                    + " s and may still be running there; check the pod, then plan again")
                    .details(details)
                    .build();
        }
        String tail = tail(stderr.isBlank() ? stdout : stderr);
        return ApplyResult.of(
                        exit == 0 ? Outcome.CHANGED : Outcome.FAILED,
                        "ran " + argv + " in " + where + ": exit " + exit + (exit == 0 ? "" : ", output: " + tail))
                .count("pods", 1)
                .details(details)
                .build();
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 300 ? "..." + t.substring(t.length() - 300) : t;
    }

    private Integer run(String pod, TailBuffer out, TailBuffer err, String where) {
        PodResource r = k8s.client().pods().inNamespace(source.namespace()).withName(pod);
        try (ExecWatch w = (container == null ? r : r.inContainer(container))
                .writingOutput(out)
                .writingError(err)
                .exec(argv.toArray(String[]::new))) {
            return w.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetUnavailableException("interrupted while " + argv + " ran in " + where, e, false);
        } catch (ExecutionException e) {
            throw gone(where, e.getCause());
        } catch (KubernetesClientException e) {
            throw gone(where, e);
        }
    }

    private RuntimeException gone(String where, Throwable e) {
        if (e instanceof KubernetesClientException k && (k.getCode() == 403 || k.getCode() == 401)) {
            return k8s.translate("exec " + argv + " in " + where, k);
        }
        return new TargetUnavailableException(
                "exec " + argv + " in " + where + " failed: " + K8sTarget.rootMessage(e)
                        + "; whether the command ran is unknown: check the pod (kubectl --context " + source.context()
                        + " -n "
                        + source.namespace() + " get pod " + where.substring(where.lastIndexOf('/') + 1)
                        + "), then plan again",
                e,
                false);
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        if (doneProbe == null) {
            var code = result.details().path("exitCode");
            return code.isMissingNode()
                    ? Verification.skipped("no doneWhen probe and the command did not run in this step")
                    : code.asInt() == 0 ? Verification.passed("exit 0") : Verification.failed("exit " + code.asInt());
        }
        Map.Entry<String, Boolean> done = done();
        return done.getValue()
                ? Verification.passed(parameters().doneWhen() + ": " + done.getKey())
                : Verification.failed(parameters().doneWhen() + " does not hold: " + done.getKey());
    }

    @Override
    public String toString() {
        return "ExecInPod[" + target() + (container == null ? "" : ", container " + container)
                + (doneProbe == null ? "" : ", done when " + parameters().doneWhen()) + "]";
    }
}
