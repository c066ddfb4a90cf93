package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.StepPlan;
import dev.runbook.core.replay.ReplaySelection;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * A replay in its own JVM, for crash tests: {@code ReplayChild <bootstrap> <dlqTopic> [recordsPerTransaction]}
 * plans and applies a full replay, printing {@code replaying} just before apply so that the parent can
 * kill it mid-way.
 */
public final class ReplayChild {

    private ReplayChild() {}

    public static void main(String[] args) {
        Map<String, Object> config = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(config)) {
            ReplayDlq replay = new ReplayDlq(admin, config, args[1], ReplaySelection.all(), null);
            if (args.length > 2) {
                replay = replay.withCheckpointEvery(Long.parseLong(args[2]));
            }
            ActionContext ctx = ActionContext.standalone();
            StepPlan plan = replay.plan(ctx);
            System.out.println("replaying " + plan.radius("messages"));
            System.out.flush();
            System.out.println("done " + replay.apply(plan, ctx).summary());
        }
    }
}
