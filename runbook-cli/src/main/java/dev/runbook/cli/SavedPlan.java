package dev.runbook.cli;

import dev.runbook.core.Json;
import dev.runbook.core.Plan;
import dev.runbook.core.PlannedStep;
import dev.runbook.core.RunbookException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code runbook plan --json} prints and {@code --out} saves: the core {@link Plan} (with its
 * fingerprint) and what {@code apply} needs to rebuild the same runbook (its id, the parameters as
 * text, the profile), plus a few derived fields for bots. Schema: {@code schema/plan-v1.json}.
 *
 * <pre>{@code
 * SavedPlan saved = SavedPlan.read(Path.of("plan.json"));
 * saved.plan().fingerprint();
 * }</pre>
 *
 * @param format always {@link #FORMAT}
 * @param runbook the runbook's id
 * @param profile the profile its connections came from
 * @param environment the environment it was planned for
 * @param parameters every parameter's value as text (given or default)
 * @param bindingKey the id of the key that bound secret parameters (apply needs the same key)
 * @param ready whether the plan can be applied (derived)
 * @param noop whether applying would change nothing (derived)
 * @param needsApproval the steps that will ask for an approval or confirmation (derived)
 * @param refusals why the plan cannot be applied, each naming its step (derived)
 * @param plan the plan
 */
public record SavedPlan(
        String format,
        String runbook,
        String profile,
        String environment,
        Map<String, String> parameters,
        String bindingKey,
        boolean ready,
        boolean noop,
        List<String> needsApproval,
        List<String> refusals,
        Plan plan) {

    /** The format and version of this file; the schema of the same version describes it. */
    public static final String FORMAT = "runbook-plan/v1";

    public SavedPlan {
        Objects.requireNonNull(plan, "plan");
        parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
        needsApproval = List.copyOf(needsApproval == null ? List.of() : needsApproval);
        refusals = List.copyOf(refusals == null ? List.of() : refusals);
    }

    /** The saved form of a plan just made. */
    static SavedPlan of(
            String profile, String environment, Map<String, String> parameters, String bindingKey, Plan plan) {
        return new SavedPlan(
                FORMAT,
                plan.runbookId(),
                profile,
                environment,
                parameters,
                bindingKey,
                plan.isReady(),
                plan.isNoop(),
                plan.steps().stream()
                        .filter(PlannedStep::requiresApproval)
                        .map(PlannedStep::stepId)
                        .toList(),
                plan.refusals(),
                plan);
    }

    /** As JSON (pretty). */
    String toJson() {
        return Json.writePretty(this);
    }

    /**
     * Reads a saved plan.
     *
     * @throws CliException (bad usage) if the file cannot be read or is not a saved plan of this format
     */
    static SavedPlan read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    "no plan file " + file + "; save one with 'runbook plan ID" + " --profile NAME --out " + file
                            + "'");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.BAD_USAGE, "cannot read plan file " + file + ": " + e.getMessage(), e);
        }
        SavedPlan saved;
        try {
            saved = Json.read(text, SavedPlan.class);
        } catch (RunbookException | NullPointerException e) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    file + " is not a plan saved by 'runbook plan --out' (" + e.getMessage() + ")",
                    e);
        }
        if (!FORMAT.equals(saved.format())) {
            throw new CliException(
                    ExitCode.BAD_USAGE,
                    file + " has format '" + saved.format() + "'; this runbook" + " command reads " + FORMAT
                            + ": plan again with it");
        }
        if (saved.runbook() == null || !saved.runbook().equals(saved.plan().runbookId())) {
            throw new CliException(
                    ExitCode.REFUSED,
                    file + " names runbook " + saved.runbook() + " but holds a plan of "
                            + saved.plan().runbookId() + "; it was edited: plan again");
        }
        return saved;
    }
}
