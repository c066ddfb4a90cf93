package dev.runbook.core.audit;

import dev.runbook.core.LibraryFloor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes audit records as structured SLF4J events on logger {@code dev.runbook.audit}: each field is a
 * key-value pair, and the run id is the correlation id.
 *
 * <pre>{@code
 * RunbookEngine.builder().audit(new Slf4jAuditSink())
 * }</pre>
 */
public final class Slf4jAuditSink implements AuditSink {
    private final Logger log;

    public Slf4jAuditSink() {
        this(LoggerFactory.getLogger("dev.runbook.audit"));
    }

    /**
     * Writes to {@code log}.
     *
     * @throws dev.runbook.core.RefusedException if slf4j-api on the class path is older than 2.0 (see
     *     {@link LibraryFloor#SLF4J})
     */
    public Slf4jAuditSink(Logger log) {
        LibraryFloor.SLF4J.require(Logger.class);
        this.log = log;
    }

    @Override
    public void write(AuditEvent e) {
        LoggingEventBuilder b = e.type().name().endsWith("FAILED") || e.type() == AuditEvent.Type.APPROVAL_DENIED
                ? log.atWarn()
                : log.atInfo();
        b = b.addKeyValue("event", e.type())
                .addKeyValue("correlationId", e.runId())
                .addKeyValue("runbook", e.runbookId())
                .addKeyValue("span", e.spanId())
                .addKeyValue("actor", e.actor());
        if (e.incidentId() != null) {
            b = b.addKeyValue("incident", e.incidentId());
        }
        if (e.stepId() != null) {
            b = b.addKeyValue("step", e.stepId());
        }
        if (e.outcome() != null) {
            b = b.addKeyValue("outcome", e.outcome());
        }
        if (!e.data().isNull()) {
            b = b.addKeyValue("data", e.data().toString());
        }
        b.log("{} {} {}", e.type(), e.stepId() == null ? e.runbookId() : e.stepId(), e.message());
    }
}
