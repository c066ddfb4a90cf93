package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.StepPlan;
import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SqlServers.class)
class MariaDbPromoteReplicaIT extends PromoteReplicaContract {
    @Override
    ReplicaPair newPair() {
        return SqlServers.newMariaDbPair();
    }

    @Test
    void errantGtidsOnTheCandidate_areRefused() {
        // an admin write on the replica goes through read_only and gets the replica's own server id
        replica.execute("INSERT INTO app.t (id) VALUES (666)");
        assertRefusedWithoutChange(() -> action().plan(context()), "errant GTIDs", "0-2-", "re-clone");
    }

    @Test
    void thePlanShowsTheStatements_andTheReplicaStatusIsGoneAfter() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.details().get("statements").toString())
                .contains("SET GLOBAL read_only = ON")
                .contains("KILL CONNECTION")
                .contains("MASTER_GTID_WAIT")
                .contains("STOP REPLICA")
                .contains("RESET REPLICA ALL")
                .contains("SET GLOBAL read_only = OFF");
        action().apply(plan, ctx);
        assertThat(replica.query("SHOW REPLICA STATUS")).isEmpty();
        assertThat(replica.scalar("SELECT @@read_only")).isEqualTo("0");
        assertThat(primary.scalar("SELECT @@read_only")).isEqualTo("1");
    }
}
