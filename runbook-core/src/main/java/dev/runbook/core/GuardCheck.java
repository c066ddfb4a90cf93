package dev.runbook.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks one step plan against {@link Guards}: each violation is a sentence naming the step, the guard
 * and the way out (narrow the step, or raise the budget with {@code guards.toBuilder()...}).
 */
final class GuardCheck {
    private GuardCheck() {}

    static List<String> violations(Guards guards, String stepId, StepPlan plan, Instant now) {
        List<String> out = new ArrayList<>();
        if (plan.isNoop()) {
            return out;
        }
        for (Map.Entry<String, Long> e : plan.blastRadius().entrySet()) {
            Long budget = guards.budgets().get(e.getKey());
            if (budget != null && e.getValue() > budget) {
                out.add(String.format(
                        Locale.ROOT,
                        "step %s would touch %,d %s; the budget '%s' is %,d. Narrow the step, or raise the budget"
                                + " with guards.toBuilder().budget(\"%s\", %d)",
                        stepId,
                        e.getValue(),
                        e.getKey(),
                        e.getKey(),
                        budget,
                        e.getKey(),
                        e.getValue()));
            }
        }
        for (Map.Entry<String, Double> e : plan.rates().entrySet()) {
            Double max = guards.maxRates().get(e.getKey());
            if (max != null && e.getValue() > max) {
                out.add("step " + stepId + " would run at " + rate(e.getValue()) + " " + e.getKey()
                        + "; the rate budget '" + e.getKey() + "' is " + rate(max)
                        + ". Lower the step's rate, or raise the budget with guards.toBuilder().maxRate(\""
                        + e.getKey() + "\", " + e.getValue() + ")");
            }
        }
        for (String resource : plan.resources()) {
            if (guards.isProtected(resource)) {
                out.add("step " + stepId + " would touch '" + resource + "', which matches a protected pattern "
                        + guards.protectedPatterns()
                        + "; exclude it from the step (protected names are never changed)");
            }
        }
        for (Guards.FreezeWindow f : guards.freezes()) {
            if (f.contains(now)) {
                out.add("step " + stepId + " changes " + plan.target() + " during the change freeze '" + f.reason()
                        + "' (" + f.start() + " to " + f.end() + "); wait until it ends at " + f.end()
                        + ", or, if the freeze's owner agrees, build the engine with"
                        + " guards.toBuilder().liftFreezes() and plan again");
            }
        }
        return out;
    }

    private static String rate(double perSecond) {
        return perSecond == Math.rint(perSecond) && Math.abs(perSecond) < 1e15
                ? String.format(Locale.ROOT, "%,d/s", (long) perSecond)
                : String.format(Locale.ROOT, "%.4g/s", perSecond);
    }
}
