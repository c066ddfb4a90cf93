package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.Bytes;
import co.elastic.clients.elasticsearch.cat.allocation.AllocationRecord;
import co.elastic.clients.elasticsearch.cluster.GetClusterSettingsResponse;
import co.elastic.clients.json.JsonData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Disk use per data node ({@code _cat/allocation}) with the watermarks in force ({@code
 * _cluster/settings}), and from both the headroom: how many bytes each node can take before it crosses
 * the high watermark.
 *
 * <pre>{@code
 * DiskAllocation d = es.diskAllocation().read();
 * d.headroomBytes();   // what a reindex may add before shards start moving away
 * }</pre>
 *
 * @param nodes one row per data node
 * @param watermarks the watermarks in force
 */
public record DiskAllocation(List<Node> nodes, Watermarks watermarks) {

    public DiskAllocation {
        nodes = List.copyOf(nodes);
    }

    /**
     * One data node's disk.
     *
     * @param node the node name
     * @param shards shards on it
     * @param indicesBytes bytes its shards use
     * @param usedBytes bytes used on its disk (by anything)
     * @param availBytes bytes free
     * @param totalBytes disk size
     * @param headroomBytes bytes it can take before the high watermark (0 if past it)
     */
    public record Node(
            String node,
            long shards,
            long indicesBytes,
            long usedBytes,
            long availBytes,
            long totalBytes,
            long headroomBytes) {

        /** Used share of the disk, percent. */
        public double usedPercent() {
            return totalBytes == 0 ? 0 : 100.0 * usedBytes / totalBytes;
        }
    }

    static DiskAllocation read(EsTarget es) {
        Watermarks w = readWatermarks(es);
        List<AllocationRecord> rows = es.call(
                        "read disk allocation", c -> c.cat().allocation(r -> r.bytes(Bytes.Bytes)))
                .valueBody();
        List<Node> nodes = new ArrayList<>();
        for (AllocationRecord r : rows) {
            if (r.diskTotal() == null || r.diskAvail() == null) {
                continue; // the UNASSIGNED row
            }
            long total = parse(r.diskTotal());
            long avail = parse(r.diskAvail());
            nodes.add(new Node(
                    r.node(),
                    parse(r.shards()),
                    parse(r.diskIndices()),
                    parse(r.diskUsed()),
                    avail,
                    total,
                    Math.max(0, avail - w.freeRequiredAtHigh(total))));
        }
        return new DiskAllocation(nodes, w);
    }

    static Watermarks readWatermarks(EsTarget es) {
        GetClusterSettingsResponse s = es.call("read cluster settings", c -> c.cluster()
                .getSettings(r -> r.includeDefaults(true).flatSettings(true)));
        Map<String, String> flat = new HashMap<>();
        put(flat, s.defaults());
        put(flat, s.persistent());
        put(flat, s.transient_());
        return Watermarks.of(flat);
    }

    private static void put(Map<String, String> flat, Map<String, JsonData> settings) {
        settings.forEach((k, v) -> {
            if (k.startsWith("cluster.routing.allocation.disk.")) {
                flat.put(k, v.toJson().toString().replace("\"", ""));
            }
        });
    }

    private static long parse(String s) {
        return s == null || s.isBlank() ? 0 : Long.parseLong(s.trim());
    }

    /** Bytes the data nodes can take together before any crosses the high watermark. */
    public long headroomBytes() {
        return nodes.stream().mapToLong(Node::headroomBytes).sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("watermarks: ").append(watermarks).append('\n');
        sb.append(String.format(
                Locale.ROOT,
                "  %-16s %7s %10s %10s %10s %10s %6s %12s%n",
                "node",
                "shards",
                "indices",
                "used",
                "avail",
                "total",
                "used%",
                "to high mark"));
        for (Node n : nodes) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-16s %7d %10s %10s %10s %10s %5.1f%% %12s%n",
                    n.node(),
                    n.shards(),
                    IndexTable.bytes(n.indicesBytes()),
                    IndexTable.bytes(n.usedBytes()),
                    IndexTable.bytes(n.availBytes()),
                    IndexTable.bytes(n.totalBytes()),
                    n.usedPercent(),
                    IndexTable.bytes(n.headroomBytes())));
        }
        return sb.toString().stripTrailing();
    }
}
