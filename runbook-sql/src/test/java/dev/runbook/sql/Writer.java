package dev.runbook.sql;

import dev.runbook.sql.test.SqlServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application that commits numbered rows as fast as it can, as the application user, to whichever of
 * the servers takes them (a client with a list of hosts, as libpq's target_session_attrs=read-write does):
 * on any error it tries the next server. It remembers every id whose commit returned success, and when it
 * last succeeded on each server.
 */
final class Writer implements AutoCloseable {
    private final List<SqlServer> servers;
    private final String table;
    private final Thread thread;
    private final Set<Long> acknowledged = new ConcurrentSkipListSet<>();
    private final AtomicLong next = new AtomicLong(1);
    private final long[] lastAckNanos;
    private final long[] firstAckNanos;
    private final long[] acks;
    private volatile boolean stop;
    private volatile int routedTo = -1;
    private volatile Throwable crash;

    Writer(List<SqlServer> servers, String table) {
        this.servers = List.copyOf(servers);
        this.table = table;
        this.lastAckNanos = new long[servers.size()];
        this.firstAckNanos = new long[servers.size()];
        this.acks = new long[servers.size()];
        this.thread = new Thread(this::run, "writer");
        this.thread.setDaemon(true);
    }

    Writer start() {
        thread.start();
        return this;
    }

    private void run() {
        int i = 0;
        try {
            while (!stop) {
                int r = routedTo;
                if (r >= 0) {
                    i = r;
                    routedTo = -1;
                }
                SqlServer s = servers.get(i);
                try (Connection c = s.connectAsApp();
                        PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
                    while (!stop && routedTo < 0) {
                        long id = next.getAndIncrement();
                        ps.setLong(1, id);
                        ps.executeUpdate();
                        long now = System.nanoTime();
                        acknowledged.add(id);
                        synchronized (this) {
                            if (acks[i]++ == 0) {
                                firstAckNanos[i] = now;
                            }
                            lastAckNanos[i] = now;
                        }
                    }
                } catch (SQLException | IllegalStateException e) {
                    i = (i + 1) % servers.size();
                    Thread.onSpinWait();
                }
            }
        } catch (RuntimeException | Error e) {
            crash = e;
        }
    }

    /** Sends the next writes to server {@code index} (what a DNS or proxy change does to an application). */
    void route(int index) {
        routedTo = index;
    }

    /** Waits until {@code n} more commits were acknowledged on server {@code index} (10 s at most). */
    void awaitAcks(int index, long n) {
        long target;
        synchronized (this) {
            target = acks[index] + n;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (acks[index] >= target) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("writer got no " + n + " acknowledgements from " + servers.get(index) + " in 10 s");
    }

    Set<Long> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    synchronized long acks(int index) {
        return acks[index];
    }

    /** Milliseconds from the last acknowledged write on {@code from} to the first on {@code to}. */
    synchronized double windowMillis(int from, int to) {
        return (firstAckNanos[to] - lastAckNanos[from]) / 1e6;
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (crash != null) {
            throw new AssertionError("writer crashed", crash);
        }
    }
}
