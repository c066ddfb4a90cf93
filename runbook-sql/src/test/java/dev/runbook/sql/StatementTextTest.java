package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StatementText}: the text of a read-only query as the servers split it. A second statement behind a
 * comment holding a quote once reached the PostgreSQL driver, which ran it: {@code COMMIT} and an {@code
 * INSERT} after a read-only probe's {@code SELECT}.
 */
class StatementTextTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 1 -- don't\n; COMMIT; INSERT INTO t VALUES (99)",
                "SELECT 1 # don't\n; INSERT INTO t VALUES (98)",
                "SELECT 'a\\'; DELETE FROM t; --'",
                "SELECT 'a\\' ; DELETE FROM t",
                "SELECT /* /* */ 'x */ ; DELETE FROM t; -- '",
                "SELECT 1--1\n; DELETE FROM t",
                "SELECT \"a\\\"; DELETE FROM t; --\"",
                "SELECT `a;b` FROM t",
                "SELECT 1; DELETE FROM t",
                "SELECT 1;; SELECT 2",
                "SELECT $$a$$; DELETE FROM t"
            })
    void aSecondStatementIsRefused_howeverItIsHidden(String sql) {
        assertThatThrownBy(() -> StatementText.check(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give one statement");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 1 AS one;",
                "SELECT 1 AS one ; -- done",
                "SELECT 1 AS one; /* v2 */ ;",
                "SELECT 1 AS one -- count; by day",
                "/* report; v2 */ SELECT 1 AS one",
                "SELECT 'x;y' AS one",
                "SELECT 'it''s; fine' AS one",
                "SELECT \"a;b\" FROM \"Order Items\"",
                "  (SELECT 1 AS one)",
                "WITH x AS (SELECT 1 AS one) SELECT * FROM x",
                "VALUES (1)",
                "show server_version",
                "EXPLAIN SELECT 1"
            })
    void oneReadingStatement_withCommentsAndAFinalSemicolon_isKept(String sql) {
        String kept = StatementText.check(sql);
        assertThat(kept).doesNotEndWith(";").doesNotContain("-- done").doesNotContain("/* v2 */");
        assertThat(sql.strip()).startsWith(kept);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SET GLOBAL max_connections = 7",
                "set statement_timeout = 1",
                "COPY t TO '/tmp/x'",
                "KILL 12",
                "DO 1",
                "CALL purge()",
                "LOCK TABLE t IN ACCESS EXCLUSIVE MODE",
                "ANALYZE UPDATE t SET a = 1",
                "-- SELECT\nDELETE FROM t"
            })
    void aStatementThatDoesNotRead_isRefusedBeforeItIsSent(String sql) {
        assertThatThrownBy(() -> StatementText.check(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not with SELECT")
                .hasMessageContaining("make a change with an action");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
                "SELECT pg_catalog.pg_cancel_backend (12)",
                "SELECT \"pg_terminate_backend\"(12)",
                "SELECT PG_RELOAD_CONF()",
                "SELECT pg_advisory_lock(42)",
                "SELECT pg_switch_wal()",
                "SELECT lo_export(1, '/tmp/x')",
                "SELECT GET_LOCK('deploy', 0)",
                "SELECT 1 INTO OUTFILE '/tmp/x'",
                "SELECT a FROM t INTO DUMPFILE '/tmp/x'"
            })
    void aFunctionActingOutsideTheTransaction_isRefused(String sql) {
        assertThatThrownBy(() -> StatementText.check(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only reads");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 'pg_terminate_backend(1)' AS note",
                "SELECT my_pg_reload_conf_count FROM t",
                "SELECT 1 -- GET_LOCK('x', 0)",
                "SELECT pg_advisory_xact_lock(1)"
            })
    void theNamesInTextOrOtherIdentifiers_areNotCalls(String sql) {
        assertThat(StatementText.check(sql)).isNotBlank();
    }
}
