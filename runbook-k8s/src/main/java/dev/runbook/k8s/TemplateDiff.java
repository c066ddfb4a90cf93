package dev.runbook.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What differs between two pod templates, for a reviewer: per container the image, env, resources, args
 * and command, and the template's labels and annotations. One line each, {@code from -> to}.
 *
 * <pre>{@code
 * TemplateDiff.of(current, target);
 * // [container app: image registry.local/a:1.1 -> registry.local/a:1.0, container app: env FLAG=on -> (unset)]
 * }</pre>
 */
final class TemplateDiff {
    private TemplateDiff() {}

    static List<String> of(PodTemplateSpec from, PodTemplateSpec to) {
        List<String> out = new ArrayList<>();
        Map<String, Container> a = containers(from);
        Map<String, Container> b = containers(to);
        for (String name : new TreeSet<>(union(a.keySet(), b.keySet()))) {
            Container x = a.get(name);
            Container y = b.get(name);
            String c = "container " + name + ": ";
            if (x == null || y == null) {
                out.add(c + (x == null ? "added" : "removed"));
                continue;
            }
            same(out, c + "image ", x.getImage(), y.getImage());
            same(out, c + "args ", String.valueOf(x.getArgs()), String.valueOf(y.getArgs()));
            same(out, c + "command ", String.valueOf(x.getCommand()), String.valueOf(y.getCommand()));
            same(out, c + "resources ", resources(x), resources(y));
            Map<String, String> ex = env(x);
            Map<String, String> ey = env(y);
            for (String k : new TreeSet<>(union(ex.keySet(), ey.keySet()))) {
                same(out, c + "env " + k + "=", ex.get(k), ey.get(k));
            }
        }
        diffMap(
                out,
                "label ",
                from.getMetadata() == null ? null : from.getMetadata().getLabels(),
                to.getMetadata() == null ? null : to.getMetadata().getLabels());
        diffMap(
                out,
                "annotation ",
                from.getMetadata() == null ? null : from.getMetadata().getAnnotations(),
                to.getMetadata() == null ? null : to.getMetadata().getAnnotations());
        return out;
    }

    private static void diffMap(List<String> out, String what, Map<String, String> x, Map<String, String> y) {
        Map<String, String> a = x == null ? Map.of() : x;
        Map<String, String> b = y == null ? Map.of() : y;
        for (String k : new TreeSet<>(union(a.keySet(), b.keySet()))) {
            same(out, what + k + ": ", a.get(k), b.get(k));
        }
    }

    private static void same(List<String> out, String what, String x, String y) {
        if (!Objects.equals(x, y)) {
            out.add(what + (x == null ? "(unset)" : x) + " -> " + (y == null ? "(unset)" : y));
        }
    }

    private static String resources(Container c) {
        if (c.getResources() == null) {
            return "{}";
        }
        return "requests " + new TreeMap<>(c.getResources().getRequests()) + " limits "
                + new TreeMap<>(c.getResources().getLimits());
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> m = new TreeMap<>();
        for (EnvVar e : c.getEnv()) {
            m.put(
                    e.getName(),
                    e.getValue() != null ? e.getValue() : "(from " + (e.getValueFrom() == null ? "?" : "ref") + ")");
        }
        return m;
    }

    private static Map<String, Container> containers(PodTemplateSpec t) {
        Map<String, Container> m = new TreeMap<>();
        if (t.getSpec() != null) {
            t.getSpec().getContainers().forEach(c -> m.put(c.getName(), c));
        }
        return m;
    }

    private static <T> java.util.Set<T> union(java.util.Set<T> a, java.util.Set<T> b) {
        java.util.Set<T> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
