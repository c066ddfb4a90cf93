package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Keeps audit records in memory; can fail from its n-th write on; checks that starts and ends pair. */
final class RecordingSink implements AuditSink {
    private final List<AuditEvent> events = new ArrayList<>();
    private int failFrom = Integer.MAX_VALUE;
    private int writes;

    RecordingSink failFrom(int n) {
        this.failFrom = n;
        return this;
    }

    @Override
    public synchronized void write(AuditEvent event) {
        writes++;
        if (writes >= failFrom) {
            throw new AuditException("disk full (test sink fails from write " + failFrom + ")");
        }
        events.add(event);
    }

    synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }

    List<AuditEvent> events(AuditEvent.Type type) {
        return events().stream().filter(e -> e.type() == type).toList();
    }

    List<AuditEvent.Type> types() {
        return events().stream().map(AuditEvent::type).toList();
    }

    /** Every start has exactly one end with its span, after it; no end lacks a start. */
    void assertPaired() {
        Map<String, AuditEvent> open = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (AuditEvent e : events()) {
            if (e.type().isStart() && open.put(e.spanId(), e) != null) {
                problems.add("span " + e.spanId() + " started twice");
            } else if (e.type().isEnd() && open.remove(e.spanId()) == null) {
                problems.add(e.type() + " of " + e.stepId() + " has no open start");
            }
        }
        open.values().forEach(e -> problems.add(e.type() + " of " + e.stepId() + " never ended"));
        assertThat(problems).as("pairing problems in %s", types()).isEmpty();
    }
}
