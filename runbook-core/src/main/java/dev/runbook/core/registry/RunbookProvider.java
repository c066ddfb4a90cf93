package dev.runbook.core.registry;

import java.util.List;

/**
 * A set of runbooks that tools find by id: the CLI, JShell and users' bots load every provider on the
 * class path with {@link java.util.ServiceLoader} (through {@link RunbookRegistry#load()}). Register an
 * implementation in {@code META-INF/services/dev.runbook.core.registry.RunbookProvider}.
 *
 * <pre>{@code
 * public final class OurRunbooks implements RunbookProvider {
 *     public List<RunbookSpec> runbooks() {
 *         return List.of(RunbookSpec.builder("ORD-001", "Orders DLQ flood")
 *                 .parameter(ParameterSpec.of("group", ParameterType.STRING, "orders", "the consumer group"))
 *                 .connection("kafka", "kafka", "the orders cluster")
 *                 .build(args -> OrdersDlq.runbook(args.closeLater(KafkaActions.connect(args.connection("kafka").url())),
 *                         args.string("group"))));
 *     }
 * }
 * }</pre>
 */
public interface RunbookProvider {

    /** The runbooks this provider offers; ids must be unique across the class path. */
    List<RunbookSpec> runbooks();

    /** A name for listings and error messages; the class name unless overridden. */
    default String name() {
        return getClass().getName();
    }
}
