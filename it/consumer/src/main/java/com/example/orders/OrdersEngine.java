package com.example.orders;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Guards;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditSink;
import java.util.function.Consumer;

/**
 * The orders team's production engine settings: production environment (so every change needs an
 * approval), the library's default protected names plus the pinned cache entries, and the team's
 * budgets. Production builds its engine from it; the unit tests name it in {@code @RunbookTest(engine =
 * OrdersEngine.class)}, so they run the same guards.
 */
public final class OrdersEngine implements Consumer<RunbookEngine.Builder> {
    /** The most cache keys one step may delete. */
    public static final long MAX_KEYS = 50_000;

    /** The most partitions one step may reset. */
    public static final long MAX_PARTITIONS = 12;

    @Override
    public void accept(RunbookEngine.Builder engine) {
        engine.environment("prod")
                .guards(Guards.defaults().toBuilder()
                        .protect("orders:cache:pinned:*")
                        .budget("keys", MAX_KEYS)
                        .budget("partitions", MAX_PARTITIONS)
                        .build());
    }

    /** The engine the on-call engineer uses: these settings, their approvals and the team's audit sink. */
    public static RunbookEngine production(ApprovalGate approvals, AuditSink audit) {
        RunbookEngine.Builder b = RunbookEngine.builder();
        new OrdersEngine().accept(b);
        return b.approvals(approvals).audit(audit).build();
    }
}
