package dev.runbook.sql;

import dev.runbook.sql.test.SqlServer;
import java.util.List;
import java.util.Set;

/** The test helpers the benchmark in {@code dev.runbook.sql.bench} uses (they are package-private here). */
public final class BenchAccess {
    private BenchAccess() {}

    /** The test writer, for the benchmark. */
    public static final class Writer implements AutoCloseable {
        private final dev.runbook.sql.Writer w;

        Writer(dev.runbook.sql.Writer w) {
            this.w = w;
        }

        public void awaitAcks(int index, long n) {
            w.awaitAcks(index, n);
        }

        public void route(int index) {
            w.route(index);
        }

        public Set<Long> acknowledged() {
            return w.acknowledged();
        }

        public double windowMillis(int from, int to) {
            return w.windowMillis(from, to);
        }

        @Override
        public void close() {
            w.close();
        }
    }

    public static Writer writer(List<SqlServer> servers, String table) {
        return new Writer(new dev.runbook.sql.Writer(servers, table).start());
    }

    public static void createTable(SqlServer s, String table) {
        TestClusters.createTable(s, table);
    }

    public static Set<Long> ids(SqlServer s, String table) {
        return TestClusters.ids(s, table);
    }

    /** The naive hand promotion: {@code pg_ctl promote} / {@code STOP REPLICA; RESET REPLICA ALL}, no fencing. */
    public static void promoteByHand(SqlServer replica) {
        if (TestClusters.pg(replica)) {
            dev.runbook.sql.test.PostgresServers.pgCtl(replica, "promote", "-w");
        } else {
            TestClusters.promoteByHand(replica);
        }
    }
}
