package dev.runbook.k8s;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import io.fabric8.kubernetes.client.dsl.Loggable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.TailPrettyLoggable;
import io.fabric8.kubernetes.client.dsl.TimeTailPrettyLoggable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code kubectl logs -l app=x --tail=500 --since=10m [-c container] [--previous]} as a probe: counts the
 * lines that match each pattern, and keeps the matching lines (at most {@link #maxLines(int)}, secrets
 * redacted) as evidence, which a check step prints into the step's result and the audit.
 *
 * <pre>{@code
 * PodLogs oom = k8s.podLogs("smp-prod", "app=dispatch-engine")
 *         .previous()                                  // the container that crashed
 *         .tailLines(500)
 *         .count("OutOfMemoryError", "Connection refused");
 * runbook.precheck("no OOM in the crashed containers", oom, PodLogs.none("OutOfMemoryError"));
 * }</pre>
 *
 * <p>Without {@link #tailLines(int)} or {@link #since(Duration)} it reads the last 1000 lines of each pod.
 * Values after {@code password=}, {@code token:}, {@code secret=}, {@code api-key=}, {@code Authorization:},
 * {@code Bearer}, and the password of a {@code scheme://user:password@host} URL are shown as {@code ***};
 * {@link #redact(String)} adds patterns. A pod without a previous container (it never crashed) is a note
 * in the result, not a failure.
 */
public final class PodLogs implements Probe<LogMatches> {
    static final int DEFAULT_TAIL = 1000;
    private static final int LINE_CHARS = 300;
    private static final List<Pattern> SECRETS = List.of(
            Pattern.compile(
                    "(?i)((?:password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|authorization)\"?\\s*[:=]\\s*\"?)"
                            + "(?:bearer\\s+|basic\\s+)?[^\\s\",;&)]+"),
            Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+"),
            Pattern.compile("(://[^:/@\\s]+:)[^@/\\s]+(@)"));

    private final K8sTarget k8s;
    private final PodSource source;
    private final String container;
    private final boolean previous;
    private final Integer tailLines;
    private final Integer sinceSeconds;
    private final List<String> patterns;
    private final List<Pattern> redactions;
    private final int maxLines;

    PodLogs(K8sTarget k8s, PodSource source) {
        this(k8s, source, null, false, null, null, List.of(), List.of(), 20);
    }

    private PodLogs(
            K8sTarget k8s,
            PodSource source,
            String container,
            boolean previous,
            Integer tailLines,
            Integer sinceSeconds,
            List<String> patterns,
            List<Pattern> redactions,
            int maxLines) {
        this.k8s = k8s;
        this.source = source;
        this.container = container;
        this.previous = previous;
        this.tailLines = tailLines;
        this.sinceSeconds = sinceSeconds;
        this.patterns = List.copyOf(patterns);
        this.redactions = List.copyOf(redactions);
        this.maxLines = maxLines;
    }

    /** Same, of container {@code name} ({@code kubectl logs -c name}). */
    public PodLogs container(String name) {
        WorkloadRef.requireName("container", name);
        return new PodLogs(k8s, source, name, previous, tailLines, sinceSeconds, patterns, redactions, maxLines);
    }

    /** Same, of the previous (crashed) container instance ({@code kubectl logs --previous}). */
    public PodLogs previous() {
        return new PodLogs(k8s, source, container, true, tailLines, sinceSeconds, patterns, redactions, maxLines);
    }

    /** Same, the last {@code n} lines of each pod ({@code --tail=n}). */
    public PodLogs tailLines(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("tailLines must be >= 1, was " + n);
        }
        return new PodLogs(k8s, source, container, previous, n, sinceSeconds, patterns, redactions, maxLines);
    }

    /** Same, only lines written in the last {@code window} ({@code --since=10m}), in whole seconds. */
    public PodLogs since(Duration window) {
        if (window.toSeconds() < 1) {
            throw new IllegalArgumentException("since must be at least one second, was " + window);
        }
        return new PodLogs(
                k8s,
                source,
                container,
                previous,
                tailLines,
                Math.toIntExact(window.toSeconds()),
                patterns,
                redactions,
                maxLines);
    }

    /** Same, also counting the lines that match each regular expression ({@code OutOfMemoryError}). */
    public PodLogs count(String... regexes) {
        List<String> all = new ArrayList<>(patterns);
        for (String r : regexes) {
            if (r == null || r.isEmpty()) {
                throw new IllegalArgumentException("a pattern to count must not be empty (it would match every line)");
            }
            Pattern.compile(r);
            if (!all.contains(r)) {
                all.add(r);
            }
        }
        return new PodLogs(k8s, source, container, previous, tailLines, sinceSeconds, all, redactions, maxLines);
    }

    /** Same, also showing whatever matches {@code regex} in a kept line as {@code ***}. */
    public PodLogs redact(String regex) {
        List<Pattern> all = new ArrayList<>(redactions);
        all.add(Pattern.compile(regex));
        return new PodLogs(k8s, source, container, previous, tailLines, sinceSeconds, patterns, all, maxLines);
    }

    /** Same, keeping at most {@code n} matching lines as evidence (default 20); the rest are counted. */
    public PodLogs maxLines(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxLines must be >= 0, was " + n);
        }
        return new PodLogs(k8s, source, container, previous, tailLines, sinceSeconds, patterns, redactions, n);
    }

    /** A condition: no line matched {@code pattern} (which the probe must {@link #count}). */
    public static Condition<LogMatches> none(String pattern) {
        return Condition.of("has no line matching '" + pattern + "'", m -> m.count(pattern) == 0);
    }

    /** A condition: at least {@code n} lines matched {@code pattern} (which the probe must {@link #count}). */
    public static Condition<LogMatches> atLeast(String pattern, int n) {
        return Condition.of("has at least " + n + " lines matching '" + pattern + "'", m -> m.count(pattern) >= n);
    }

    @Override
    public String name() {
        return "logs of " + how();
    }

    private String how() {
        return source + (container == null ? "" : ", container " + container) + (previous ? ", previous" : "")
                + (sinceSeconds == null ? "" : ", since " + sinceSeconds + " s")
                + ", tail " + (tailLines != null ? tailLines : sinceSeconds == null ? DEFAULT_TAIL : "all");
    }

    @Override
    public LogMatches read() {
        List<Pattern> compiled = patterns.stream().map(Pattern::compile).toList();
        Map<String, Integer> counts = new LinkedHashMap<>();
        patterns.forEach(p -> counts.put(p, 0));
        List<String> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int read = 0;
        int more = 0;
        for (Pod pod : source.pods(k8s)) {
            String name = pod.getMetadata().getName();
            names.add(name);
            String log = log(name, notes);
            if (log == null) {
                continue;
            }
            for (String line : (Iterable<String>) log.lines()::iterator) {
                read++;
                boolean any = false;
                for (int i = 0; i < compiled.size(); i++) {
                    if (compiled.get(i).matcher(line).find()) {
                        counts.merge(patterns.get(i), 1, Integer::sum);
                        any = true;
                    }
                }
                if (any) {
                    if (kept.size() < maxLines) {
                        kept.add(name + ": " + redacted(line));
                    } else {
                        more++;
                    }
                }
            }
        }
        return new LogMatches(how(), names, read, counts, kept, more, notes);
    }

    private String log(String pod, List<String> notes) {
        PodResource r = k8s.client().pods().inNamespace(source.namespace()).withName(pod);
        ContainerResource c = container == null ? r : r.inContainer(container);
        TimeTailPrettyLoggable l = previous ? c.terminated() : c;
        TailPrettyLoggable t = sinceSeconds == null ? l : l.sinceSeconds(sinceSeconds);
        Integer tail = tailLines != null ? tailLines : sinceSeconds == null ? DEFAULT_TAIL : null;
        Loggable g = tail == null ? t : t.tailingLines(tail);
        String what = "read the " + (previous ? "previous " : "") + "log of pod " + source.namespace() + "/" + pod
                + (container == null ? "" : " container " + container);
        try {
            return g.withReadyWaitTimeout(0).getLog();
        } catch (KubernetesClientException e) {
            if (previous && e.getCode() == 400) {
                notes.add(pod + ": no previous container (" + message(e) + ")");
                return null;
            }
            throw k8s.translate(what, e);
        }
    }

    private static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
    }

    /** {@code line} with every secret pattern's value shown as {@code ***}, cut to 300 characters. */
    String redacted(String line) {
        String s = secretsRedacted(line);
        for (Pattern p : redactions) {
            s = p.matcher(s).replaceAll("***");
        }
        return s.length() > LINE_CHARS ? s.substring(0, LINE_CHARS) + "..." : s;
    }

    /** {@code text} with the value of every known secret pattern shown as {@code ***}. */
    static String secretsRedacted(String text) {
        String s = text;
        for (Pattern p : SECRETS) {
            s = p.matcher(s)
                    .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                            m.group(1) + "***" + (m.groupCount() > 1 ? m.group(2) : "")));
        }
        return s;
    }

    @Override
    public String toString() {
        return "PodLogs[" + how() + (patterns.isEmpty() ? "" : ", counting " + patterns) + "]";
    }
}
