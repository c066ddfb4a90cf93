/**
 * Kubernetes remediation for Runbook SDK, on the fabric8 client: restart, scale, roll back, delete or
 * evict pods, set a ConfigMap key, patch a container's resources, and probes of rollouts and pods. The
 * entry point is {@link dev.runbook.k8s.K8sActions}.
 */
package dev.runbook.k8s;
