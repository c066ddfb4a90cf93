package dev.runbook.examples;

import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import java.nio.file.Path;

/**
 * What the demo did for one scenario.
 *
 * <pre>{@code
 * DemoResult r = Demo.run(Demo.Options.defaults(), System.out).get(0);
 * r.report().status();
 * }</pre>
 *
 * @param scenario the scenario's runbook id
 * @param plan the plan that was printed and applied
 * @param report what apply did
 * @param auditFile the hash-chained audit file
 * @param auditRecords how many records the verified audit file holds
 * @param after the real servers' state afterwards
 * @param fixed whether the real servers are fixed
 */
public record DemoResult(
        String scenario, Plan plan, Report report, Path auditFile, int auditRecords, String after, boolean fixed) {}
