package dev.runbook.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Shared set-up of the engine tests: a store, a fake clock, a recording sink and an engine. */
final class Fixtures {
    final Map<String, String> store = new ConcurrentHashMap<>(Map.of("a", "1", "b", "1", "c", "1"));
    final FakeClock clock = new FakeClock("2026-11-21T03:00:00Z");
    final RecordingSink audit = new RecordingSink();

    RunbookEngine.Builder engine() {
        return RunbookEngine.builder()
                .clock(clock)
                .sleeper(clock)
                .actor("alice")
                .incident("INC-2211")
                .audit(audit)
                .approvals(ApprovalGate.approveAll("bob", "test policy"))
                .retries(1, Duration.ofMillis(1));
    }

    SetValue set(String key, String value) {
        return new SetValue(store, key, value);
    }
}
