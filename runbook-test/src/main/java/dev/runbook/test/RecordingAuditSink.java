package dev.runbook.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An audit sink that keeps every record in memory, checks that starts and ends pair, and can be told to
 * fail, to test that a run stops when its audit does.
 *
 * <pre>{@code
 * RecordingAuditSink audit = new RecordingAuditSink();
 * engine = RunbookEngine.builder().audit(audit).build();
 * ...
 * audit.assertPaired();
 * audit.failFrom(3); // the 3rd write and every later one throw AuditException
 * }</pre>
 */
public final class RecordingAuditSink implements AuditSink {
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private volatile int failFrom = Integer.MAX_VALUE;
    private volatile int writes;

    @Override
    public synchronized void write(AuditEvent event) {
        writes++;
        if (writes >= failFrom) {
            throw new AuditException(
                    "recording sink told to fail from write " + failFrom + " (this is write " + writes + ")");
        }
        events.add(event);
    }

    /** From the {@code n}-th write on (1-based), every write throws {@link AuditException}. */
    public void failFrom(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n is 1-based, was " + n);
        }
        this.failFrom = n;
    }

    /** The records written so far, in order. */
    public List<AuditEvent> events() {
        return List.copyOf(events);
    }

    /** The records of one type. */
    public List<AuditEvent> events(AuditEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    /** Fails if the secret's value appears in any record (its text or its JSON), naming the records. */
    public void assertDoesNotReveal(dev.runbook.core.Secret secret) {
        var found = Revealed.where(secret, this);
        if (!found.isEmpty()) {
            throw new AssertionError("expected no audit record to reveal the secret, but it is in " + found);
        }
    }

    /**
     * Asserts that every start record has exactly one end record with its span, after it, and that no
     * end record lacks a start.
     */
    public void assertPaired() {
        Map<String, AuditEvent> open = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (AuditEvent e : events) {
            if (e.type().isStart()) {
                if (open.put(e.spanId(), e) != null) {
                    problems.add("span " + e.spanId() + " started twice");
                }
            } else if (e.type().isEnd()) {
                if (open.remove(e.spanId()) == null) {
                    problems.add(e.type() + " for step " + e.stepId() + " has no open start (span " + e.spanId() + ")");
                }
            }
        }
        open.values().forEach(e -> problems.add(e.type() + " for step " + e.stepId() + " never ended"));
        assertThat(problems).as("audit pairing problems in %s", events).isEmpty();
    }

    /** Forgets every record. */
    public void clear() {
        events.clear();
        writes = 0;
    }
}
