package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SqlServers.class)
class SqlServersIT {
    /** Waits up to 20 s for {@code ok}. */
    static void await(java.util.function.BooleanSupplier ok, String what) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out after 20 s waiting for " + what);
    }

    @Test
    void postgresPairReplicates() {
        ReplicaPair pg = SqlServers.postgres();
        pg.primary().execute("CREATE TABLE smoke (id int)", "INSERT INTO smoke VALUES (1)");
        pg.awaitReplicaCaughtUp();
        assertThat(pg.replica().scalar("SELECT count(*) FROM smoke")).isEqualTo("1");
        assertThat(pg.replica().scalar("SELECT pg_is_in_recovery()")).isEqualTo("true");
        pg.primary().execute("DROP TABLE smoke");
    }

    @Test
    void mariadbPairReplicates() {
        ReplicaPair db = SqlServers.mariadb();
        db.primary().execute("CREATE TABLE app.smoke (id int)", "INSERT INTO app.smoke VALUES (1)");
        db.awaitReplicaCaughtUp();
        assertThat(db.replica().scalar("SELECT count(*) FROM app.smoke")).isEqualTo("1");
        assertThat(db.replica().scalar("SELECT @@read_only")).isEqualTo("1");
        db.primary().execute("DROP TABLE app.smoke");
    }
}
