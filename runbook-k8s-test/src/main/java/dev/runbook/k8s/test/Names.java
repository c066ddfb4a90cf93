package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/** Names the way the real controllers make them: random suffixes and the pod-template-hash. */
final class Names {
    /** The alphabet of Kubernetes' {@code rand.SafeEncodeString}: no vowels, no confusable digits. */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Names() {}

    static String random(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHANUMS.charAt(RANDOM.nextInt(ALPHANUMS.length())));
        }
        return b.toString();
    }

    /** A stable hash of the template (without its pod-template-hash label), safe-encoded as the real one is. */
    static String templateHash(PodTemplateSpec template) {
        int h = 0x811c9dc5;
        for (byte b : String.valueOf(withoutHash(template).hashCode()).getBytes(StandardCharsets.US_ASCII)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return safeEncode(Integer.toUnsignedString(h));
    }

    /** The hash of any value's text, for StatefulSet and DaemonSet revisions. */
    static String hashOf(Object o) {
        return safeEncode(Integer.toUnsignedString(o.hashCode()));
    }

    static String safeEncode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            b.append(ALPHANUMS.charAt(ch % ALPHANUMS.length()));
        }
        return b.toString();
    }

    static PodTemplateSpec withoutHash(PodTemplateSpec t) {
        PodTemplateSpec copy = new PodTemplateSpecBuilder(t).build();
        if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
            Map<String, String> labels = new HashMap<>(copy.getMetadata().getLabels());
            labels.remove(DeploymentController.HASH);
            labels.remove("controller-revision-hash");
            copy.getMetadata().setLabels(labels);
        }
        if (copy.getMetadata() != null && copy.getMetadata().getAnnotations() == null) {
            copy.getMetadata().setAnnotations(new HashMap<>());
        }
        return copy;
    }
}
