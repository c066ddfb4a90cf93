package dev.runbook.redis;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StalePlanException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second process applying a saved plan, as a bot would: {@code <redis uri> <plan.json> <policy>}.
 * Its engine takes the binding key from {@code RUNBOOK_BINDING_KEY}. Exits 0 when applied, 2 when
 * refused as stale, 1 otherwise.
 */
public final class SavedPlanApplier {
    private SavedPlanApplier() {}

    public static void main(String[] args) throws Exception {
        try (RedisActions redis = RedisActions.connect(args[0])) {
            Plan plan = Plan.fromJson(Files.readString(Path.of(args[1])));
            Runbook runbook = Runbook.builder("P-1", "policy")
                    .step("set policy", redis.setConfig("maxmemory-policy", args[2]))
                    .build();
            RunbookEngine engine = RunbookEngine.builder()
                    .approvals(ApprovalGate.approveAll("bot", "saved plan"))
                    .build();
            Report report = engine.apply(runbook, plan);
            System.out.println(report.status());
            System.exit(report.status().name().equals("SUCCEEDED") ? 0 : 1);
        } catch (StalePlanException e) {
            System.out.println("StalePlanException: " + e.getMessage());
            System.exit(2);
        }
    }
}
