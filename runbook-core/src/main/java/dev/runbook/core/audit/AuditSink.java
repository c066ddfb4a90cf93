package dev.runbook.core.audit;

/**
 * Where audit records go. A sink that cannot write throws {@link AuditException}; the engine then
 * stops the run before its next mutation (audit fails closed).
 *
 * <pre>{@code
 * RunbookEngine.builder().audit(new Slf4jAuditSink()).audit(JsonLinesAuditSink.open(Path.of("audit.jsonl")))
 * }</pre>
 */
@FunctionalInterface
public interface AuditSink extends AutoCloseable {

    /**
     * Writes one record durably before returning.
     *
     * @throws AuditException if it could not be written
     */
    void write(AuditEvent event);

    @Override
    default void close() {}
}
