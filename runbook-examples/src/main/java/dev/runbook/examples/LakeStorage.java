package dev.runbook.examples;

import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpHealth;
import java.net.URI;
import java.util.Objects;

/**
 * Where the realtime lakehouse (seed 001) keeps its tables: MinIO (the object store under Paimon, Flink's
 * checkpoints and savepoints) and Nessie (the catalog whose commits the Flink sink makes). Their health
 * endpoints are the prechecks of {@link RealtimeLakehouse}'s runbooks: no module of their own, plain
 * {@link Http#health} probes.
 *
 * <pre>{@code
 * LakeStorage lake = new LakeStorage("http://minio:9000", "http://nessie:19120");
 * lake.minioLive().read();        // 200 in 3 ms
 * lake.nessieConfig().read();     // 200 in 12 ms: {"defaultBranch":"main", ...}
 * }</pre>
 *
 * @param minioUrl MinIO's S3 API base URL, such as {@code http://minio:9000}
 * @param nessieUrl Nessie's base URL, such as {@code http://nessie:19120} (the seed's port)
 */
public record LakeStorage(String minioUrl, String nessieUrl) {

    /**
     * @throws IllegalArgumentException if a URL is not an absolute http(s) URL
     */
    public LakeStorage {
        minioUrl = base("minioUrl", minioUrl, "http://minio:9000");
        nessieUrl = base("nessieUrl", nessieUrl, "http://nessie:19120");
    }

    /** {@code GET /minio/health/live}: the MinIO server answers (200). */
    public HttpHealth minioLive() {
        return Http.health(minioUrl + "/minio/health/live");
    }

    /**
     * {@code GET /minio/health/cluster}: the MinIO cluster has write quorum (200; 503 without it), so
     * checkpoints, savepoints and Paimon files can be written.
     */
    public HttpHealth minioCluster() {
        return Http.health(minioUrl + "/minio/health/cluster");
    }

    /** {@code GET /api/v2/config}: Nessie answers with its configuration (default branch), so commits can go through. */
    public HttpHealth nessieConfig() {
        return Http.health(nessieUrl + "/api/v2/config");
    }

    private static String base(String what, String url, String example) {
        Objects.requireNonNull(url, what);
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + url + "' is not a URL; give one such as " + example, e);
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    what + " '" + url + "' is not an absolute http(s) URL; give one such as " + example);
        }
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
