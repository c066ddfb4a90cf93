package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void gtids_lagErrantAndCoverage() {
        assertThat(Gtids.behind("0-1-100,1-2-7", "0-1-90,1-2-7")).isEqualTo(10);
        assertThat(Gtids.behind("0-1-100", "")).isEqualTo(100);
        assertThat(Gtids.errant("0-1-100,0-2-3", "0-1-120"))
                .extracting(Gtids.Gtid::toString)
                .containsExactly("0-2-3");
        assertThat(Gtids.errant("0-1-100", "0-1-120,0-3-4")).isEmpty();
        assertThat(Gtids.errant("0-1-121", "0-1-120"))
                .extracting(Gtids.Gtid::toString)
                .containsExactly("0-1-121");
        assertThat(Gtids.covers("0-1-5,1-1-3", "0-1-5")).isTrue();
        assertThat(Gtids.covers("0-1-4", "0-1-5")).isFalse();
        assertThatThrownBy(() -> Gtids.parse("0-1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(SkipReplicationEvent.replaceDomain("0-1-5,1-2-9", "0-1-6")).isEqualTo("0-1-6,1-2-9");
        assertThat(SkipReplicationEvent.replaceDomain("1-2-9", "0-1-6")).isEqualTo("1-2-9,0-1-6");
    }

    @Test
    void lsns() {
        assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
        assertThat(Lsn.format(Lsn.parse("0/3000060"))).isEqualTo("0/3000060");
        assertThat(Lsn.diff("0/3000100", "0/3000000")).isEqualTo(256);
        assertThat(Lsn.diff("0/3000000", "0/3000100")).isZero();
        assertThatThrownBy(() -> Lsn.parse("3000000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void labelsAndConninfo() {
        assertThat(SqlTarget.label("jdbc:postgresql://10.0.0.2:5432/postgres?sslmode=require&password=x"))
                .isEqualTo("postgresql://10.0.0.2:5432");
        assertThat(SqlTarget.label("jdbc:mariadb://db1:3306/")).isEqualTo("mariadb://db1:3306");
        assertThat(SqlTarget.driverUrl("jdbc:mysql://db1:3306/app"))
                .isEqualTo("jdbc:mysql://db1:3306/app?permitMysqlScheme");
        assertThat(SqlTarget.driverUrl("jdbc:mysql://db1:3306/app?sslMode=trust"))
                .isEqualTo("jdbc:mysql://db1:3306/app?sslMode=trust&permitMysqlScheme");
        assertThat(SqlTarget.driverUrl("jdbc:mariadb://db1:3306/")).isEqualTo("jdbc:mariadb://db1:3306/");
        assertThat(Replication.sourceFromConninfo("user=postgres host=10.0.0.1 port=5433 sslmode=prefer"))
                .isEqualTo("10.0.0.1:5433");
        assertThatThrownBy(() -> SqlActions.connect("postgresql://x", "u", dev.runbook.core.Secret.of("p")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://host:5432/postgres");
    }

    static Session session(String state, long seconds, String user, String app, String query) {
        return new Session(7, "t0", user, "orders", app, state, "client", seconds, -1, query, false);
    }

    @Test
    void sessionSelection_everyCriterionMustHold() {
        SessionSelection idleHour = SessionSelection.none()
                .with(Duration.ofHours(1), null, Set.of(), Set.of("app"), Set.of(), Set.of(), null);
        assertThat(idleHour.matches(session("idle", 3700, "app", "api", "SELECT 1")))
                .isTrue();
        assertThat(idleHour.matches(session("idle in transaction", 3700, "app", "api", "UPDATE x")))
                .isTrue();
        assertThat(idleHour.matches(session("Sleep", 3700, "app", "10.0.0.9:5512", "")))
                .isTrue();
        assertThat(idleHour.matches(session("idle", 3500, "app", "api", "SELECT 1")))
                .isFalse();
        assertThat(idleHour.matches(session("active", 3700, "app", "api", "SELECT 1")))
                .isFalse();
        assertThat(idleHour.matches(session("idle", 3700, "batch", "api", "SELECT 1")))
                .isFalse();
        SessionSelection running = SessionSelection.none()
                .with(null, Duration.ofMinutes(5), Set.of(), Set.of(), Set.of("orders"), Set.of(), "update orders");
        assertThat(running.matches(session("active", 400, "app", "api", "UPDATE  Orders SET x = 1")))
                .isFalse();
        assertThat(running.matches(session("active", 400, "app", "api", "update orders set x = 1")))
                .isTrue();
        assertThat(running.matches(session("Query", 400, "app", "api", "UPDATE orders SET x = 1")))
                .isTrue();
        assertThat(SessionSelection.none().matches(session("idle", 1, "a", "b", "c")))
                .as("empty matches nothing")
                .isFalse();
        assertThat(running.toString())
                .isEqualTo("running > 5m0s, database in [orders], query contains 'update orders'");
        assertThatThrownBy(() -> SessionSelection.none()
                        .with(Duration.ofSeconds(-1), null, Set.of(), Set.of(), Set.of(), Set.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void promotionSettings_refuseNonsense() {
        PromotionSettings d = PromotionSettings.defaults();
        assertThatThrownBy(() -> d.withMaxLagBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeouts(Duration.ZERO, d.fenceTimeout(), d.promoteTimeout()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("catchUpTimeout");
        assertThatThrownBy(() -> d.unplanned(" ", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accepts the data loss");
        assertThatThrownBy(() -> d.withHook("afterPromote:x").withHook("afterPromote:x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void query_oneStatementBoundValuesAndLimits_checkedBeforeAnythingConnects() {
        try (SqlActions sql = SqlActions.connect("jdbc:mariadb://127.0.0.1:1/", "u", dev.runbook.core.Secret.of("p"))) {
            SqlQuery q = sql.query(
                    "rates",
                    "SELECT rate FROM currency_rates WHERE rate_date = ? ; ",
                    java.time.LocalDate.of(2026, 12, 6));
            assertThat(q.sql()).isEqualTo("SELECT rate FROM currency_rates WHERE rate_date = ?");
            assertThat(q.params()).containsExactly(java.time.LocalDate.of(2026, 12, 6));
            assertThat(q.name()).isEqualTo("mariadb://127.0.0.1:1 rates");
            assertThat(sql.query("semicolon in a literal", "SELECT 'a;b'").sql())
                    .isEqualTo("SELECT 'a;b'");
            assertThatThrownBy(() -> sql.query("two", "SELECT 1; DROP TABLE t"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("give one statement");
            assertThatThrownBy(() -> sql.query(" ", "SELECT 1")).hasMessageContaining("name what the query is for");
            assertThatThrownBy(() -> sql.query("x", " ")).hasMessageContaining("the query is missing");
            assertThatThrownBy(() -> sql.query("x", "SELECT ?", new Object()))
                    .hasMessageContaining("value 1 of the query is a java.lang.Object");
            assertThatThrownBy(() -> q.maxRows(0)).hasMessageContaining("maxRows must be >= 1");
            assertThatThrownBy(() -> q.timeout(Duration.ofMillis(500)))
                    .hasMessageContaining("timeout must be at least one second");
            assertThat(sql.query("null value", "SELECT ?", (Object) null).params())
                    .containsExactly((Object) null);
        }
    }
}
