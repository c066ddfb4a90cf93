package dev.runbook.k8s;

import java.time.Duration;

/**
 * How the actions of one {@link K8sActions} talk to the API server.
 *
 * @param serverDryRun whether plans also send their mutation with {@code dryRun=All}
 * @param resync how often a wait reads the object again when the watch is quiet (and reopens a lost watch)
 */
record K8sSettings(boolean serverDryRun, Duration resync) {
    static K8sSettings defaults() {
        return new K8sSettings(true, Duration.ofSeconds(2));
    }
}
