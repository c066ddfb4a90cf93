package dev.runbook.test;

import dev.runbook.core.Guards;
import dev.runbook.core.RunbookEngine;
import java.util.function.Consumer;

/** A team's production engine settings, as its production code would hold them. */
public final class ProductionSettings implements Consumer<RunbookEngine.Builder> {
    @Override
    public void accept(RunbookEngine.Builder b) {
        b.environment("prod")
                .guards(Guards.defaults().toBuilder()
                        .budget("keys", 1_000)
                        .protect("orders:pinned:*")
                        .build());
    }
}
