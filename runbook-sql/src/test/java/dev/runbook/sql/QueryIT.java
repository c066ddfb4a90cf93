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
            // a statement that does not read never reaches the server (SET GLOBAL, COPY ... TO a file and KILL
            // would run there despite the READ ONLY transaction); a write inside a reading statement is refused
            // by the server
            for (String write : java.util.List.of(
                    "INSERT INTO " + t + " (id, name) VALUES (4, 'd')",
                    "UPDATE " + t + " SET amount = 0",
                    "DROP TABLE " + t)) {
                assertThatThrownBy(() -> sql.query("write", write).read())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("starts with '" + write.substring(0, write.indexOf(' ')) + "'")
                        .hasMessageContaining("make a change with an action");
            }
            // a write disguised in a function call of a SELECT: the READ ONLY transaction refuses it
            String f = t + "_add";
            s.execute(
                    engine.equals("postgresql")
                            ? "CREATE OR REPLACE FUNCTION " + f
                                    + "() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO " + t
                                    + " (id) VALUES (7); RETURN 1; END $$"
                            : "CREATE OR REPLACE FUNCTION " + f + "() RETURNS int DETERMINISTIC MODIFIES SQL DATA BEGIN"
                                    + " INSERT INTO " + t + " (id) VALUES (7); RETURN 1; END");
            assertThatThrownBy(() ->
                            sql.query("insert", "SELECT " + f + "() AS added").read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("refused a write in query 'insert'")
                    .hasMessageContaining(engine.equals("postgresql") ? "read-only transaction" : "READ ONLY")
                    .hasMessageContaining("make the change with an action");
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

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aSecondStatementBehindACommentOrAFunctionWithEffectsOutsideTheTransaction_isRefused(String engine) {
        SqlServer s = server(engine);
        String t = table(s, engine);
        boolean pg = engine.equals("postgresql");
        try (SqlActions sql = TestClusters.actions(s)) {
            // the quote in the comment once hid the ';' from the check, and the PostgreSQL driver ran all three
            assertThatThrownBy(() -> sql.query(
                                    "hidden", "SELECT 1 -- don't\n; COMMIT; INSERT INTO " + t + " (id) VALUES (99)")
                            .read())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("give one statement");
            assertThatThrownBy(() -> sql.query("lock", pg ? "SELECT pg_advisory_lock(42)" : "SELECT GET_LOCK('d', 0)")
                            .read())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(pg ? "pg_advisory_lock(...)" : "GET_LOCK(...)");
            assertThatThrownBy(
                            () -> sql.query("set", pg ? "SET statement_timeout = 1" : "SET GLOBAL max_connections = 7")
                                    .read())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("starts with 'SET'");
            assertThat(s.scalar("SELECT COUNT(*) FROM " + t))
                    .as("nothing was written")
                    .isEqualTo("3");
            assertThat(s.scalar(
                            pg
                                    ? "SELECT NULLIF(COUNT(*), 0) FROM pg_locks WHERE locktype = 'advisory'"
                                    : "SELECT IS_USED_LOCK('d')"))
                    .as("no session lock left on a pooled connection")
                    .isNull();
            if (!pg) {
                assertThat(s.scalar("SELECT @@global.max_connections")).isEqualTo("100");
            }
            QueryResult r = sql.query("tired", "/* report; v2 */ SELECT COUNT(*) AS n FROM " + t + "; -- done")
                    .read();
            assertThat(r.asLong()).isEqualTo(3);
        }
    }

    @Test
    void postgres_valuesMeanWhatTheyMeanOnTheServer_inAnyJvmTimeZone() {
        SqlServer s = server("postgresql");
        s.execute(
                "DROP TABLE IF EXISTS \"Billing-EU\".\"Order Items\"",
                "DROP SCHEMA IF EXISTS \"Billing-EU\"",
                "CREATE SCHEMA \"Billing-EU\"",
                "CREATE TABLE \"Billing-EU\".\"Order Items\" (\"Id\" uuid, ts timestamptz, t time, tt timetz, d date,"
                        + " tags int[], j jsonb, iv interval, b bytea)",
                "INSERT INTO \"Billing-EU\".\"Order Items\" VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                        + " '2026-12-07 01:00:00+07', '23:59:59.999999', '10:00+05:30', '4713-01-01 BC', '{1,NULL,3}',"
                        + " '{\"k\": 1}', '1 day 02:00', '\\xdeadbeef')");
        try (SqlActions sql = TestClusters.actions(s)) {
            QueryResult r = sql.query(
                            "one item",
                            "SELECT * FROM \"Billing-EU\".\"Order Items\" WHERE \"Id\" = ? AND ts < ?",
                            java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                            java.time.Instant.parse("2026-12-07T00:00:00Z"))
                    .read();
            java.util.Map<String, Object> row = r.rows().get(0);
            assertThat(row.get("ts")).isEqualTo(java.time.OffsetDateTime.parse("2026-12-06T18:00Z"));
            assertThat(row.get("t")).isEqualTo(java.time.LocalTime.parse("23:59:59.999999"));
            assertThat(row.get("tt")).isEqualTo(java.time.OffsetTime.parse("10:00+05:30"));
            assertThat(row.get("d")).isEqualTo(LocalDate.of(-4712, 1, 1));
            assertThat(row.get("tags")).isEqualTo(java.util.Arrays.asList(1, null, 3));
            assertThat(row.get("j")).isEqualTo("{\"k\": 1}");
            assertThat(row.get("iv")).isEqualTo("1 day 02:00:00");
            assertThat(r.toString()).contains("b=0xDEADBEEF");
        }
    }

    @Test
    void mariadb_timesFractionsAndYears_andATimeThatIsNoTimeOfDayIsRefused() {
        SqlServer s = server("mariadb");
        s.execute(
                "DROP TABLE IF EXISTS app.`order items`",
                "CREATE TABLE app.`order items` (`Id` bigint unsigned, t time(6), y year, u char(36))",
                "INSERT INTO app.`order items` VALUES (18446744073709551615, '00:00:00.5', 2026,"
                        + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, '838:59:59', NULL, NULL), (3, '-12:30:00', NULL, NULL)");
        try (SqlActions sql = TestClusters.actions(s)) {
            QueryResult r = sql.query(
                            "by uuid",
                            "SELECT * FROM app.`order items` WHERE u = ?",
                            java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
                    .read();
            assertThat(r.rows().get(0).get("Id")).isEqualTo(new java.math.BigInteger("18446744073709551615"));
            assertThat(r.rows().get(0).get("t")).isEqualTo(java.time.LocalTime.parse("00:00:00.5"));
            assertThat(r.rows().get(0).get("y")).isEqualTo(2026);
            // the driver's java.sql.Time turned 838:59:59 into 22:59:59 and -12:30 into 11:30
            assertThatThrownBy(() -> sql.query("all", "SELECT `Id`, t FROM app.`order items` WHERE `Id` = ?", 2)
                            .read())
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("returned TIME '838:59:59")
                    .hasMessageContaining("column t")
                    .hasMessageContaining("TIME_TO_SEC");
            assertThat(sql.query("secs", "SELECT TIME_TO_SEC(t) s FROM app.`order items` WHERE `Id` = 3")
                            .read()
                            .asLong())
                    .isEqualTo(-45000);
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
