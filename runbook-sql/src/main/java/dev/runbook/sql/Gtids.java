package dev.runbook.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MariaDB GTID positions ({@code domain-server-seq,...}): parsing, lag in transactions, errant GTIDs. */
final class Gtids {
    private Gtids() {}

    /** One MariaDB GTID. */
    record Gtid(long domain, long server, long seq) {
        @Override
        public String toString() {
            return domain + "-" + server + "-" + seq;
        }
    }

    /** Parses {@code 0-1-100,1-2-5} (blank gives none). */
    static List<Gtid> parse(String pos) {
        List<Gtid> out = new ArrayList<>();
        if (pos == null || pos.isBlank()) {
            return out;
        }
        for (String part : pos.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] f = p.split("-", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("not a MariaDB GTID: '" + p + "' in '" + pos + "'");
            }
            out.add(new Gtid(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return out;
    }

    /** The highest sequence number per domain. */
    static Map<Long, Long> seqByDomain(String pos) {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (Gtid g : parse(pos)) {
            out.merge(g.domain(), g.seq(), Math::max);
        }
        return out;
    }

    /** Transactions in {@code primary} not yet in {@code applied}, summed over domains. */
    static long behind(String primary, String applied) {
        Map<Long, Long> a = seqByDomain(applied);
        long sum = 0;
        for (Map.Entry<Long, Long> e : seqByDomain(primary).entrySet()) {
            sum += Math.max(0, e.getValue() - a.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }

    /**
     * Errant GTIDs: entries of the candidate's {@code gtid_binlog_state} (last GTID per domain and server)
     * that the primary's state does not cover: a (domain, server) pair the primary never logged, or a higher
     * sequence number than the primary has for that pair.
     */
    static List<Gtid> errant(String candidateState, String primaryState) {
        Map<String, Long> primary = new LinkedHashMap<>();
        for (Gtid g : parse(primaryState)) {
            primary.merge(g.domain() + "-" + g.server(), g.seq(), Math::max);
        }
        List<Gtid> out = new ArrayList<>();
        for (Gtid g : parse(candidateState)) {
            Long seen = primary.get(g.domain() + "-" + g.server());
            if (seen == null || seen < g.seq()) {
                out.add(g);
            }
        }
        return out;
    }

    /** Whether {@code applied} covers every domain's sequence number in {@code target}. */
    static boolean covers(String applied, String target) {
        return behind(target, applied) == 0;
    }
}
