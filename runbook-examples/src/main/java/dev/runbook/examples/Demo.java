package dev.runbook.examples;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Guards;
import dev.runbook.core.Journal;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.RunEvent;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.notify.Incident;
import dev.runbook.notify.NotifyActions;
import dev.runbook.notify.PostMortem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The README's first command ({@code ./demo}): stages seed incidents on real servers it starts itself,
 * plans each runbook and prints the plan, applies it through an approval gate, prints the report, and
 * verifies the hash-chained audit file it wrote.
 *
 * <pre>{@code
 * ./demo                       # every scenario, approvals by a printed non-interactive policy
 * ./demo --interactive         # you approve each step at the console
 * ./demo --scenario INC-005 --out /tmp/demo
 * ./demo --list                # the scenarios and what each stages
 * }</pre>
 */
public final class Demo {
    /** The scenarios, by runbook id, in the order the demo runs them. */
    public static final Map<String, Supplier<DemoScenario>> SCENARIOS = scenarios();

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private Demo() {}

    private static Map<String, Supplier<DemoScenario>> scenarios() {
        Map<String, Supplier<DemoScenario>> m = new LinkedHashMap<>();
        m.put("INC-004", RedisOomScenario::start);
        m.put("INC-005", CircuitBreakerScenario::start);
        m.put("INC-007", ConsumerLagScenario::start);
        m.put("INC-001", DispatchScenario::start); // simulated cluster + redis-server
        m.put("INC-003", ReplicaLagScenario::start); // MariaDB primary + replica
        m.put("INC-002", PaymentDlqScenario::start); // MongoDB wire-protocol server + admin endpoint
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The demo's settings.
     *
     * @param interactive ask at the console instead of the printed policy
     * @param scenarios the scenario ids to run; empty for all
     * @param out where the audit file and the journal go
     */
    public record Options(boolean interactive, List<String> scenarios, Path out) {
        public Options {
            scenarios = List.copyOf(scenarios);
        }

        /** Every scenario, non-interactive, into {@code target/demo} (or system property {@code runbook.demo.out}). */
        public static Options defaults() {
            return new Options(false, List.of(), Path.of(System.getProperty("runbook.demo.out", "target/demo")));
        }

        /**
         * Reads command-line arguments.
         *
         * @throws IllegalArgumentException for an unknown argument or scenario
         */
        public static Options parse(String... args) {
            boolean interactive = false;
            List<String> ids = new ArrayList<>();
            Path out = defaults().out();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--interactive" -> interactive = true;
                    case "--scenario" -> ids.add(value(args, ++i, "--scenario"));
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
                }
            }
            for (String id : ids) {
                if (!SCENARIOS.containsKey(id)) {
                    throw new IllegalArgumentException(
                            "unknown scenario '" + id + "'; the scenarios are " + SCENARIOS.keySet());
                }
            }
            return new Options(interactive, ids, out);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
            }
            return args[i];
        }
    }

    private static final String USAGE = "usage: ./demo [--list] [--interactive] [--scenario ID]... [--out DIR]";

    /** What each scenario stages, for {@code ./demo --list}. */
    static final Map<String, String> DESCRIPTIONS = Map.of(
            "INC-004", "Redis OOM: a real redis-server over maxmemory, 200,000 stock cache keys without a TTL",
            "INC-005", "Integration circuit breaker: a simulated integration-svc with its breaker OPEN",
            "INC-001", "Dispatch engine down: crash-looping pods in a simulated cluster, a redis-server queue",
            "INC-003", "MySQL replica lag: a MariaDB primary and GTID replica, a blocking query, a duplicate row",
            "INC-002", "Payment webhook DLQ: a MongoDB wire-protocol server and a stand-in admin endpoint",
            "INC-007", "Consumer lag and a poison message: an in-process Kafka broker, a simulated cluster");

    /** Runs the demo; exits 0 when every scenario is fixed, 1 if a run did not succeed, 2 for bad arguments; {@code --list} lists. */
    public static void main(String[] args) {
        if (List.of(args).contains("--list")) {
            SCENARIOS.keySet().forEach(id -> System.out.println(id + "  " + DESCRIPTIONS.getOrDefault(id, "")));
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ApprovalGate gate = options.interactive()
                ? DemoApprovals.printing(ApprovalGate.console(), System.out)
                : DemoApprovals.policy(System.out);
        List<DemoResult> results = run(options, gate, System.out);
        boolean ok = results.stream().allMatch(r -> r.report().status() == RunStatus.SUCCEEDED && r.fixed());
        // exit also on success: the in-process Kafka broker of INC-007 keeps non-daemon threads alive
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the chosen scenarios one after the other with {@code gate} deciding approvals, printing to
     * {@code out}.
     *
     * @throws dev.runbook.core.RefusedException if a plan is not ready (a staged server did not come up)
     * @throws dev.runbook.core.audit.AuditException if the audit file fails verification
     */
    public static List<DemoResult> run(Options options, ApprovalGate gate, PrintStream out) {
        List<String> ids = options.scenarios().isEmpty() ? List.copyOf(SCENARIOS.keySet()) : options.scenarios();
        List<DemoResult> results = new ArrayList<>();
        for (String id : ids) {
            try (DemoScenario scenario = SCENARIOS.get(id).get()) {
                results.add(runOne(id, scenario, options, gate, out));
            }
        }
        return results;
    }

    /**
     * Runs one scenario the caller started (and closes), so that a test can read its servers afterwards.
     *
     * @throws dev.runbook.core.audit.AuditException if the audit file fails verification
     */
    public static DemoResult runOne(
            String id, DemoScenario scenario, Options options, ApprovalGate gate, PrintStream out) {
        Runbook runbook = scenario.runbook();
        out.println();
        out.println("=== " + runbook.id() + " · " + runbook.title());
        out.println("staged: " + scenario.staged());
        Path auditFile = options.out()
                .resolve("audit-" + id + "-" + STAMP.format(Clock.systemUTC().instant()) + ".jsonl")
                .toAbsolutePath();
        Report report;
        Plan plan;
        java.time.Instant alert = Clock.systemUTC().instant();
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(auditFile);
                DemoChannel channel = DemoChannel.start("#prod-alerts", out)) {
            Guards guards = Guards.defaults().toBuilder()
                    .budget("requests", 5)
                    .budget("keys", 500_000)
                    .maxRate("keys/s", 200_000)
                    .build();
            RunbookEngine engine = RunbookEngine.builder()
                    .actor(System.getProperty("user.name", "demo"))
                    .incident("DEMO-" + id)
                    .environment("demo")
                    .guards(guards)
                    .approvals(gate)
                    .audit(audit)
                    .journal(Journal.files(options.out().resolve("journal")))
                    .listener(NotifyActions.onRunEvents(
                            NotifyActions.slack(Secret.of(channel.url()), channel.name()),
                            RunEvent.Type.RUN_STARTED,
                            RunEvent.Type.STEP_FAILED,
                            RunEvent.Type.RUN_FINISHED))
                    .build();
            out.println("guards: never touch " + String.join(", ", guards.protectedPatterns())
                    + "; at most 500,000 keys and 5 requests per step, at most 200,000 keys/s");
            out.println();
            out.println("1. plan (reads only; nothing changes yet):");
            plan = engine.plan(runbook);
            out.println(plan);
            out.println();
            out.println("2. apply the reviewed plan (run events go to " + channel.name()
                    + ", a local stand-in for Slack's webhook; its URL is a secret and is not printed):");
            report = engine.apply(runbook, plan);
            out.println(report);
        }
        int records = AuditLogVerifier.verify(auditFile).size();
        out.println();
        String after = scenario.observe();
        out.println("3. after (read from the server): " + after);
        out.println("   audit: " + records + " records in " + auditFile + ", hash chain verified");
        out.println();
        out.println("4. post-mortem, written from the verified audit (PostMortem.fromAudit):");
        out.println(PostMortem.fromAudit(auditFile)
                .incident(Incident.of("DEMO-" + id, runbook.title(), runbook.severity(), alert)
                        .commander(System.getProperty("user.name", "demo")))
                .build()
                .toMarkdown());
        return new DemoResult(id, plan, report, auditFile, records, after, scenario.fixed());
    }
}
