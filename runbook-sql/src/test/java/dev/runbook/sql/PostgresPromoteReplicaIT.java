package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SqlServers.class)
class PostgresPromoteReplicaIT extends PromoteReplicaContract {
    @Override
    ReplicaPair newPair() {
        return SqlServers.newPostgresPair();
    }

    @Test
    void theTimelineMovesByOne_andThePlanShowsTheStatements() {
        long before = Long.parseLong(replica.scalar("SELECT received_tli FROM pg_stat_wal_receiver"));
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.details().get("statements").toString())
                .contains("ALTER SYSTEM SET default_transaction_read_only = on")
                .contains("pg_terminate_backend")
                .contains("pg_promote(false)");
        assertThat(plan.details().get("timeline").asLong()).isEqualTo(before);
        ApplyResult done = action().apply(plan, ctx);
        assertThat(done.details().get("candidate").get("timeline").asLong()).isEqualTo(before + 1);
        assertThat(replica.scalar("SELECT pg_is_in_recovery()")).isEqualTo("false");
        assertThat(primary.scalar("SHOW default_transaction_read_only")).isEqualTo("on");
        assertThat(action().verify(plan, done, ctx).message()).contains("timeline " + (before + 1));
    }
}
