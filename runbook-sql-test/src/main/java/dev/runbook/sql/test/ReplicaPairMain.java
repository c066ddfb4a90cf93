package dev.runbook.sql.test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Starts one primary/replica pair outside a test, for demos and JShell sessions, and keeps it until the
 * process is stopped (SIGTERM or Ctrl-C stop both servers and delete their directory).
 *
 * <pre>{@code
 * java -cp <runbook-sql test classpath> dev.runbook.sql.test.ReplicaPairMain mariadb /tmp/pair.env
 * # /tmp/pair.env: PRIMARY_URL=jdbc:mariadb://127.0.0.1:40123/ REPLICA_URL=... ADMIN_USER=admin ...
 * }</pre>
 */
public final class ReplicaPairMain {
    private ReplicaPairMain() {}

    /**
     * Starts a pair of {@code args[0]} ({@code postgresql} or {@code mariadb}); writes its addresses as
     * shell variables to {@code args[1]} (if given) and standard output.
     */
    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "mariadb";
        ReplicaPair pair =
                switch (engine) {
                    case "postgresql" -> PostgresServers.newPair();
                    case "mariadb" -> MariaDbServers.newPair();
                    default ->
                        throw new IllegalArgumentException("engine must be postgresql or mariadb, was " + engine);
                };
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            pair.close();
                            stopped.countDown();
                        },
                        "replica-pair-stop"));
        String env = "PRIMARY_URL=" + pair.primary().jdbcUrl() + "\n"
                + "REPLICA_URL=" + pair.replica().jdbcUrl() + "\n"
                + "PRIMARY_PORT=" + pair.primary().port() + "\n"
                + "REPLICA_PORT=" + pair.replica().port() + "\n"
                + "ADMIN_USER=" + pair.primary().adminUser() + "\n"
                + "ADMIN_PASSWORD=" + pair.primary().adminPassword().reveal() + "\n"
                + "APP_USER=" + pair.primary().appUser() + "\n"
                + "APP_PASSWORD=" + pair.primary().appPassword().reveal() + "\n";
        if (args.length > 1) {
            Path tmp = Path.of(args[1] + ".tmp");
            Files.writeString(tmp, env, StandardCharsets.UTF_8);
            Files.move(tmp, Path.of(args[1]), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.print(env);
        System.out.flush();
        stopped.await();
    }
}
