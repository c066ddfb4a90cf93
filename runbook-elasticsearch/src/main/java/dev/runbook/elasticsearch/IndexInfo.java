package dev.runbook.elasticsearch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One concrete index as a delete sees it: identity (name, uuid), attributes, aliases and the figures
 * {@code _cat/indices} shows.
 *
 * <pre>{@code
 * IndexInfo i = es.indices("orders-2025-*").read().indices().get(0);
 * i.aliases();   // [orders]
 * }</pre>
 *
 * @param name the index name
 * @param uuid the index uuid (a recreated index has a new one)
 * @param health green, yellow or red ({@code null} if not reported)
 * @param status open or close
 * @param docs documents in primaries ({@code null} for a closed index)
 * @param bytes store size with replicas, in bytes ({@code null} for a closed index)
 * @param created creation date ({@code null} if not reported)
 * @param aliases aliases pointing to it, sorted
 * @param writeIndexOf aliases for which it is the write index, sorted
 * @param hidden whether it is hidden ({@code index.hidden})
 * @param system whether it is a system index
 * @param dataStream the data stream it backs, or {@code null}
 */
public record IndexInfo(
        String name,
        String uuid,
        String health,
        String status,
        Long docs,
        Long bytes,
        Instant created,
        List<String> aliases,
        List<String> writeIndexOf,
        boolean hidden,
        boolean system,
        String dataStream) {

    public IndexInfo {
        Objects.requireNonNull(name, "name");
        aliases = List.copyOf(
                aliases == null ? List.of() : aliases.stream().sorted().toList());
        writeIndexOf = List.copyOf(
                writeIndexOf == null
                        ? List.of()
                        : writeIndexOf.stream().sorted().toList());
    }

    /** What must not change between a plan and its apply: everything but the figures. */
    @JsonIgnore
    public Identity identity() {
        return new Identity(name, uuid, status, aliases, writeIndexOf, hidden, system, dataStream);
    }

    /**
     * The facts that decide whether an index may be deleted; a plan records them and apply compares.
     *
     * @param name the index name
     * @param uuid the index uuid
     * @param status open or close
     * @param aliases aliases pointing to it
     * @param writeIndexOf aliases it is the write index of
     * @param hidden whether it is hidden
     * @param system whether it is a system index
     * @param dataStream the data stream it backs, or {@code null}
     */
    public record Identity(
            String name,
            String uuid,
            String status,
            List<String> aliases,
            List<String> writeIndexOf,
            boolean hidden,
            boolean system,
            String dataStream) {

        /** What changed from this to {@code now}, for a stale-plan message. */
        String changeTo(Identity now) {
            if (uuid != null && !uuid.equals(now.uuid())) {
                return name + " was deleted and created again (uuid " + uuid + " is now " + now.uuid() + ")";
            }
            List<String> d = new ArrayList<>();
            if (!aliases.equals(now.aliases())) {
                d.add("aliases " + aliases + " -> " + now.aliases());
            }
            if (!writeIndexOf.equals(now.writeIndexOf())) {
                d.add("write index of " + writeIndexOf + " -> " + now.writeIndexOf());
            }
            if (!String.valueOf(status).equals(String.valueOf(now.status()))) {
                d.add("status " + status + " -> " + now.status());
            }
            if (hidden != now.hidden() || system != now.system()) {
                d.add("hidden/system " + hidden + "/" + system + " -> " + now.hidden() + "/" + now.system());
            }
            if (!String.valueOf(dataStream).equals(String.valueOf(now.dataStream()))) {
                d.add("data stream " + dataStream + " -> " + now.dataStream());
            }
            return name + ": " + String.join(", ", d);
        }
    }
}
