package dev.runbook.sql.bench;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.sql.BenchAccess;
import dev.runbook.sql.SqlActions;
import dev.runbook.sql.test.MariaDbServers;
import dev.runbook.sql.test.PostgresServers;
import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The write-unavailable window of a planned PromoteReplica, and the acknowledged writes it loses (must be
 * 0), beside the naive hand sequence ({@code pg_ctl promote} / {@code STOP REPLICA; RESET REPLICA ALL})
 * without fencing, on fresh pairs of real servers, same run. A writer commits numbered rows as fast as it
 * can as the application user; it moves to the new primary on errors or when routed there (the caller's
 * routing step: an afterPromote hook for ours, right after the hand promotion for the naive one). Not a
 * test: run {@code runbook-sql/bench/promote.sh}.
 */
public final class PromoteBench {
    private PromoteBench() {}

    record Trial(double windowMs, long lost, long acked, long actionMs) {}

    public static void main(String[] args) throws Exception {
        int trials = Integer.getInteger("trials", 10);
        List<String> engines =
                List.of(System.getProperty("engines", "postgresql,mariadb").split(","));
        System.out.printf(
                Locale.ROOT,
                "trials per method and engine: %d; %d cores; load average %.1f%n",
                trials,
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        for (String engine : engines) {
            List<Trial> ours = new ArrayList<>();
            List<Trial> naive = new ArrayList<>();
            for (int i = 0; i < trials; i++) {
                ours.add(trial(engine, false));
                naive.add(trial(engine, true));
                System.out.printf(
                        Locale.ROOT,
                        "%s trial %2d: PromoteReplica window %7.1f ms, lost %d of %d | naive window %7.1f ms, lost %d of %d%n",
                        engine,
                        i + 1,
                        ours.get(i).windowMs(),
                        ours.get(i).lost(),
                        ours.get(i).acked(),
                        naive.get(i).windowMs(),
                        naive.get(i).lost(),
                        naive.get(i).acked());
            }
            report(engine, "PromoteReplica (planned, fenced)", ours);
            report(
                    engine,
                    "naive " + (engine.equals("postgresql") ? "pg_ctl promote" : "STOP REPLICA; RESET REPLICA ALL"),
                    naive);
        }
    }

    static Trial trial(String engine, boolean naive) throws Exception {
        try (ReplicaPair pair = engine.equals("postgresql") ? PostgresServers.newPair() : MariaDbServers.newPair()) {
            SqlServer primary = pair.primary();
            SqlServer replica = pair.replica();
            BenchAccess.createTable(primary, "w");
            pair.awaitReplicaCaughtUp();
            long actionMs = -1;
            BenchAccess.Writer writer = BenchAccess.writer(List.of(primary, replica), "w");
            try (SqlActions candidate =
                    SqlActions.connect(replica.jdbcUrl(), replica.adminUser(), replica.adminPassword())) {
                writer.awaitAcks(0, 300);
                if (naive) {
                    BenchAccess.promoteByHand(replica);
                    writer.route(1);
                } else {
                    var promote =
                            candidate.promoteReplica().afterPromote("route the application", s -> writer.route(1));
                    ActionContext ctx = ActionContext.standalone();
                    ApplyResult done = promote.apply(promote.plan(ctx), ctx);
                    actionMs = done.details().get("fenceToPromotedMillis").asLong();
                }
                writer.awaitAcks(1, 300);
            } finally {
                writer.close();
            }
            Set<Long> acked = writer.acknowledged();
            Set<Long> onNew = BenchAccess.ids(replica, "w");
            long lost = acked.stream().filter(id -> !onNew.contains(id)).count();
            return new Trial(writer.windowMillis(0, 1), lost, acked.size(), actionMs);
        }
    }

    static void report(String engine, String method, List<Trial> trials) {
        List<Double> w = new ArrayList<>(trials.stream().map(Trial::windowMs).toList());
        Collections.sort(w);
        List<Long> lost = new ArrayList<>(trials.stream().map(Trial::lost).toList());
        Collections.sort(lost);
        long totalLost = lost.stream().mapToLong(Long::longValue).sum();
        long trialsLosing = lost.stream().filter(l -> l > 0).count();
        System.out.printf(
                Locale.ROOT,
                "%-10s %-40s window median %7.1f ms, max %7.1f ms; acknowledged writes lost: %d in"
                        + " %d of %d trials (median %d, max %d)%s%n",
                engine,
                method,
                median(w),
                w.get(w.size() - 1),
                totalLost,
                trialsLosing,
                trials.size(),
                lost.get(lost.size() / 2),
                lost.get(lost.size() - 1),
                trials.get(0).actionMs() < 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; fence-to-promoted inside the action median %d ms",
                                trials.stream()
                                        .map(Trial::actionMs)
                                        .sorted()
                                        .toList()
                                        .get(trials.size() / 2)));
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
