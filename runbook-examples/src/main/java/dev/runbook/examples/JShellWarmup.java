package dev.runbook.examples;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.test.RedisServer;

/**
 * The training run behind {@code ./jshell-runbook}'s class-data archive: {@code jshell-runbook} runs this
 * once after a build with {@code -XX:ArchiveClassesAtExit}, so that the JVM that executes JShell's snippets
 * maps the classes an incident session loads first (the engine, the plan table, Lettuce and Netty for a
 * Redis probe and a scan-delete dry run) instead of loading and verifying them from the jars each time.
 * Not an API; it prints nothing that matters.
 *
 * <pre>{@code
 * java -XX:ArchiveClassesAtExit=exec.jsa -cp <the JShell class path> dev.runbook.examples.JShellWarmup
 * }</pre>
 */
public final class JShellWarmup {
    private JShellWarmup() {}

    /** Runs a small session: against a throwaway redis-server if one can start, else against a closed port. */
    public static void main(String[] args) {
        RedisServer server = null;
        try {
            server = RedisServer.start();
        } catch (RuntimeException e) {
            // no redis-server on the PATH: the archive still gets the classes up to the failed connection
        }
        String uri = server != null ? server.uri() : "redis://127.0.0.1:1";
        try (RedisActions redis = RedisActions.connect(uri)) {
            System.out.println(redis.memory().read());
            System.out.println(redis.scanDelete("cache:wms:stock:*")
                    .plan(ActionContext.standalone())
                    .summary());
            Runbook rb = RedisOom.runbook(redis);
            System.out.println(rb);
            System.out.println(RunbookEngine.builder().build().plan(rb));
        } catch (RuntimeException e) {
            System.out.println(e.getMessage());
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
