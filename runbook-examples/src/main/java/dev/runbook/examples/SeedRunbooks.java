package dev.runbook.examples;

import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.ParameterSpec;
import dev.runbook.core.registry.ParameterType;
import dev.runbook.core.registry.RunbookProvider;
import dev.runbook.core.registry.RunbookSpec;
import dev.runbook.redis.RedisActions;
import java.util.List;

/**
 * The seed runbooks (seeds/000) in the registry, so that the {@code runbook} command, JShell and bots find
 * them by id: {@code RunbookRegistry.load().find("INC-004")}. Registered in {@code
 * META-INF/services/dev.runbook.core.registry.RunbookProvider}. Adding one is one entry in {@link
 * #runbooks()}: its id and title, its parameters with the seed's values as defaults, the connections it
 * needs, and a factory that opens them with {@code args.closeLater(...)} and calls the runbook's class.
 *
 * <pre>{@code
 * RunbookRegistry registry = RunbookRegistry.load();
 * try (RunbookArguments args = registry.arguments("INC-004", Map.of("alertRatio", "0.95"),
 *         Map.of("redis", Connection.of("redis", "redis://127.0.0.1:6379")))) {
 *     Plan plan = engine.plan(registry.find("INC-004").build(args));
 * }
 * }</pre>
 */
public final class SeedRunbooks implements RunbookProvider {

    @Override
    public List<RunbookSpec> runbooks() {
        return List.of(redisOom(), integrationCircuitBreaker());
    }

    @Override
    public String name() {
        return "seed runbooks (runbook-examples)";
    }

    /** INC-004 Redis OOM: {@link RedisOom}. */
    static RunbookSpec redisOom() {
        return RunbookSpec.builder("INC-004", "Redis OOM")
                .severity(Severity.SEV2)
                .description("Delete " + RedisOom.STOCK_PATTERN + " with SCAN and UNLINK (session:* and lock:*"
                        + " protected), set maxmemory-policy allkeys-lru, wait for memory to fall, tell the team")
                .connection("redis", "redis", "the Redis node that is out of memory (password: a secret setting)")
                .parameter(ParameterSpec.of(
                        "alertRatio", ParameterType.DECIMAL, "0.9", "used/maxmemory above which the runbook applies"))
                .parameter(ParameterSpec.of(
                        "resolvedRatio", ParameterType.DECIMAL, "0.7", "used/maxmemory below which it is resolved"))
                .parameter(ParameterSpec.of(
                        "recoveryTimeout", ParameterType.DURATION, "2m", "how long memory may take to fall"))
                .build(args -> RedisOom.runbook(
                        args.closeLater(redis(args.connection("redis"))),
                        args.decimal("alertRatio"),
                        args.decimal("resolvedRatio"),
                        args.duration("recoveryTimeout")));
    }

    /** INC-005 Integration circuit breaker triggered: {@link IntegrationCircuitBreaker}. */
    static RunbookSpec integrationCircuitBreaker() {
        return RunbookSpec.builder("INC-005", "Integration circuit breaker triggered")
                .severity(Severity.SEV2)
                .description("Check the dependency is healthy and the breaker OPEN, half-open it through the"
                        + " admin API, wait until integration-svc is healthy, verify the breaker CLOSED")
                .connection(
                        "integration-svc",
                        "http",
                        "integration-svc's base URL; token: the admin API's bearer token (a secret setting)")
                .parameter(ParameterSpec.of(
                        "dependency", ParameterType.STRING, IntegrationService.DEPENDENCY, "the breaker's dependency"))
                .parameter(
                        ParameterSpec.required("dependencyHealth", ParameterType.STRING, "the dependency's health URL"))
                .build(args -> {
                    Connection svc = args.connection("integration-svc");
                    Secret token = svc.secret("token")
                            .orElseThrow(
                                    () -> new IllegalArgumentException(
                                            "INC-005 needs the admin token: set integration-svc.token=env:NAME in the profile"));
                    return IntegrationCircuitBreaker.runbook(
                            svc.url(),
                            args.string("dependencyHealth"),
                            args.string("dependency"),
                            Secret.of("Bearer " + token.reveal()));
                });
    }

    private static RedisActions redis(Connection c) {
        return c.secret("password")
                .map(p -> RedisActions.connect(c.url(), p))
                .orElseGet(() -> RedisActions.connect(c.url()));
    }
}
