package dev.runbook.mongo;

import com.mongodb.client.MongoClient;
import dev.runbook.core.ActionContext;
import dev.runbook.core.StepPlan;
import dev.runbook.core.http.Http;
import java.time.Duration;

/**
 * A replay in its own JVM, for crash tests and the benchmark: {@code ReplayChild <mongoPort> <collection>
 * <urlTemplate> <leaseMillis>} plans and applies a replay of every DLQ event, printing {@code replaying}
 * just before apply so that the parent can kill it mid-way.
 */
public final class ReplayChild {
    private ReplayChild() {}

    public static void main(String[] args) {
        try (MongoClient client = TestMongo.client(Integer.parseInt(args[0]))) {
            ReplayDlq replay = MongoActions.of(client, "smp")
                    .replayDlq(args[1])
                    .lease(Duration.ofMillis(Long.parseLong(args[3])))
                    .to(Http.replayEndpoint(args[2])
                            .header("Authorization", dev.runbook.core.Secret.of(AdminEndpoint.TOKEN))
                            .build());
            ActionContext ctx =
                    ActionContext.builder().runId("child").stepId("02-replay").build();
            StepPlan plan = replay.plan(ctx);
            System.out.println("replaying " + plan.radius("messages"));
            System.out.flush();
            System.out.println("done " + replay.apply(plan, ctx).summary());
        }
    }
}
