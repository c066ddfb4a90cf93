package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RefusedException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.sql.test.SqlServers;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SqlActions#query} on both shared primaries: values bound, never pasted; writes refused by the
 * server (the READ ONLY transaction), the table unchanged afterwards; the statement timeout and the row cap;
 * an unknown table or column named; the pooled connection left writable for the actions that share it.
 */
@ExtendWith(SqlServers.class)
class QueryIT {

    static SqlServer server(String engine) {
        return engine.equals("postgresql")
                ? SqlServers.postgres().primary()
                : SqlServers.mariadb().primary();
    }

    /** A fresh table of three rows: {@code public.query_<engine>} / {@code app.query_<engine>}. */
    static String table(SqlServer s, String engine) {
        String t = (engine.equals("postgresql") ? "public" : "app") + ".query_" + engine;
        s.execute(
                "DROP TABLE IF EXISTS " + t,
                "CREATE TABLE " + t + " (id int PRIMARY KEY, name varchar(20), amount decimal(12,2), day date)",
                "INSERT INTO " + t + " VALUES (1, 'a', 10.50, '2026-12-05'), (2, 'b', 20.00, '2026-12-06'),"
                        + " (3, 'c', 30.25, '2026-12-06')");
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void readsRowsWithBoundValues_asJavaTimeAndDecimals(String engine) {
        SqlServer s = server(engine);
        String t = table(s, engine);
        try (SqlActions sql = TestClusters.actions(s)) {
            QueryResult r = sql.query(
                            "rows of a day",
                            "SELECT id, name, amount, day FROM " + t + " WHERE day = ? ORDER BY id;",
                            LocalDate.of(2026, 12, 6))
                    .read();
            assertThat(r.columns()).containsExactly("id", "name", "amount", "day");
            assertThat(r.rows()).extracting(m -> m.get("name")).containsExactly("b", "c");
            assertThat(r.rows().get(1).get("amount")).isEqualTo(new BigDecimal("30.25"));
            assertThat(r.rows().get(0).get("day")).isEqualTo(LocalDate.of(2026, 12, 6));
            assertThat(r.toString()).startsWith("2 rows: {id=2, name=b");
            assertThat(sql.query("count", "SELECT COUNT(*) FROM " + t).read().asLong())
                    .isEqualTo(3);
            assertThat(sql.query("none", "SELECT id FROM " + t + " WHERE id > ?", 99)
                            .read()
                            .isEmpty())
                    .isTrue();
            assertThat(sql.query("injection", "SELECT id FROM " + t + " WHERE name = ?", "a' OR '1'='1")
                            .read()
                            .size())
                    .as("the value is bound, not pasted into the statement")
                    .isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aWriteIsRefusedByTheServer_andTheTableIsUnchanged(String engine) {
        SqlServer s = server(engine);
        String t = table(s, engine);
        try (SqlActions sql = TestClusters.actions(s)) {
            assertThatThrownBy(() -> sql.query("insert", "INSERT INTO " + t + " (id, name) VALUES (?, ?)", 4, "d")
                            .read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("refused a write in query 'insert'")
                    .hasMessageContaining(engine.equals("postgresql") ? "read-only transaction" : "READ ONLY")
                    .hasMessageContaining("make the change with an action");
            assertThatThrownBy(() -> sql.query("update", "UPDATE " + t + " SET amount = 0")
                            .read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("refused a write");
            assertThatThrownBy(() -> sql.query("drop", "DROP TABLE " + t).read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("refused a write");
            if (engine.equals("postgresql")) {
                assertThatThrownBy(() -> sql.query(
                                        "delete in a CTE",
                                        "WITH d AS (DELETE FROM " + t + " RETURNING id) SELECT COUNT(*) FROM d")
                                .read())
                        .isInstanceOf(RefusedException.class)
                        .hasMessageContaining("refused a write");
            }
            assertThatThrownBy(() -> sql.query("two", "SELECT 1; DELETE FROM " + t))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("give one statement");
            assertThat(s.query("SELECT id, amount FROM " + t + " ORDER BY id"))
                    .as("nothing was written")
                    .extracting(m -> ((Number) m.get("id")).intValue())
                    .containsExactly(1, 2, 3);
            assertThat(s.scalar("SELECT SUM(amount) FROM " + t)).isEqualTo("60.75");
            // the pool's connection went back read-write: the library's own statements still write
            sql.target().call("write through the same pool", c -> {
                SqlTarget.execute(c, "INSERT INTO " + t + " (id, name) VALUES (9, 'z')");
                return null;
            });
            assertThat(s.scalar("SELECT COUNT(*) FROM " + t)).isEqualTo("4");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aSlowStatementIsCancelledByItsTimeout_andTooManyRowsAreRefused(String engine) {
        SqlServer s = server(engine);
        boolean pg = engine.equals("postgresql");
        try (SqlActions sql = TestClusters.actions(s)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> sql.query("slow", pg ? "SELECT pg_sleep(20)" : "SELECT SLEEP(20)")
                            .timeout(Duration.ofSeconds(1))
                            .read())
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("query 'slow' on " + sql.name() + " did not finish within its timeout of 1 s")
                    .hasMessageContaining(".timeout(");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
            String many =
                    "WITH RECURSIVE g (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 50) SELECT n FROM g";
            assertThatThrownBy(() -> sql.query("many", many).maxRows(10).read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("returned more than maxRows 10 rows")
                    .hasMessageContaining(".maxRows(n)");
            assertThat(sql.query("many", many).maxRows(50).read().size()).isEqualTo(50);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void anUnknownTableOrColumnIsNamed(String engine) {
        SqlServer s = server(engine);
        String t = table(s, engine);
        try (SqlActions sql = TestClusters.actions(s)) {
            assertThatThrownBy(() -> sql.query("missing table", "SELECT * FROM " + t + "_missing")
                            .read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("run query 'missing table'")
                    .hasMessageContaining("query_" + engine + "_missing");
            assertThatThrownBy(() -> sql.query("missing column", "SELECT diff_pct FROM " + t)
                            .read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("diff_pct");
        }
    }

    @Test
    void aServerThatIsNotThere_isNamedByTheEndpointCheck() {
        int port = SqlServers.freePort();
        try (SqlActions sql = SqlActions.connect("jdbc:mariadb://127.0.0.1:" + port + "/", "admin", Secret.of("x"))) {
            SqlQuery q = sql.query("anything", "SELECT 1");
            assertThat(q.endpoint()).isPresent();
            assertThatThrownBy(() -> q.endpoint().get().check(Duration.ofSeconds(5)))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("mariadb://127.0.0.1:" + port)
                    .hasMessageContaining("check that the server is running");
        }
    }
}
