package dev.runbook.core;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The audit of one run, over all of the engine's sinks. A sink that fails once is not written again
 * (its record of the run is incomplete from there on), the first failure is remembered, and from then
 * on {@link #write} throws, so that the run stops before its next mutation (fail closed). End records
 * still go to the sinks that work, so that every start they hold gets its end.
 */
final class RunAudit {
    private final RunbookEngine engine;
    private final String runId;
    private final String runbookId;
    private final Set<AuditSink> broken = Collections.newSetFromMap(new IdentityHashMap<>());
    private String failure;

    RunAudit(RunbookEngine engine, String runId, String runbookId) {
        this.engine = engine;
        this.runId = runId;
        this.runbookId = runbookId;
    }

    /**
     * Writes a record to every working sink.
     *
     * @throws AuditException if this or any earlier write of the run failed
     */
    void write(AuditEvent.Type type, String span, String stepId, Outcome outcome, String message, Map<String, ?> data) {
        AuditEvent event = new AuditEvent(
                UUID.randomUUID().toString(),
                engine.clock.instant(),
                type,
                span,
                runId,
                runbookId,
                engine.incidentId,
                engine.actor,
                stepId,
                outcome,
                message,
                Json.tree(data));
        List<AuditSink> working = new ArrayList<>();
        synchronized (this) {
            for (AuditSink s : engine.sinks) {
                if (!broken.contains(s)) {
                    working.add(s);
                }
            }
        }
        for (AuditSink sink : working) {
            try {
                sink.write(event);
            } catch (RuntimeException e) {
                markBroken(
                        sink,
                        "audit sink " + sink.getClass().getSimpleName() + " failed on " + type + ": " + e.getMessage());
            }
        }
        journalSpan(type, span, stepId);
        String why = failure();
        if (why != null) {
            throw new AuditException(why + "; the run stops before its next change: fix the sink, then resume run "
                    + runId + " with an engine whose sinks work");
        }
    }

    /**
     * Keeps open spans in the journal, so that a resume after a crash can close them. Best effort: a
     * journal that fails here fails again on the run's next journal write, which stops the run.
     */
    private void journalSpan(AuditEvent.Type type, String span, String stepId) {
        try {
            if (type.isStart()) {
                engine.journal.spanOpened(runId, stepId == null ? "" : stepId, span);
            } else if (type.isEnd()) {
                engine.journal.spanClosed(runId, span);
            }
        } catch (RuntimeException e) {
            // reported by the run's next journal write
        }
    }

    /** Writes a record to the working sinks and never throws: for end records, after a failure. */
    void tryWrite(
            AuditEvent.Type type, String span, String stepId, Outcome outcome, String message, Map<String, ?> data) {
        try {
            write(type, span, stepId, outcome, message, data);
        } catch (AuditException e) {
            // remembered in failure(); the run stops before its next mutation
        }
    }

    /** The first audit failure of the run, or null while every sink works. */
    synchronized String failure() {
        return failure;
    }

    /**
     * Throws unless every sink has accepted every record so far.
     *
     * @throws AuditException naming the failed sink
     */
    void requireIntact(String what) {
        String why = failure();
        if (why != null) {
            throw new AuditException(what + " not done: " + why + "; fix the sink, then resume run " + runId);
        }
    }

    private synchronized void markBroken(AuditSink sink, String why) {
        broken.add(sink);
        if (failure == null) {
            failure = why;
        }
    }
}
