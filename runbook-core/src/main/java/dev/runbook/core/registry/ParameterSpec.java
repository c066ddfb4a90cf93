package dev.runbook.core.registry;

import java.util.Objects;

/**
 * One parameter of a registered runbook: its name, type, default (as text, the way a user would type
 * it), description, and whether it must be given.
 *
 * <pre>{@code
 * ParameterSpec.of("alertRatio", ParameterType.DECIMAL, "0.9", "used/maxmemory above which the runbook applies");
 * ParameterSpec.required("dependencyHealth", ParameterType.STRING, "the dependency's health URL");
 * }</pre>
 *
 * @param name the name, as in {@code --param name=value}
 * @param type its type
 * @param defaultValue the default as text, or null when there is none
 * @param description one sentence for listings
 * @param required whether a value must be given (a required parameter has no default)
 */
public record ParameterSpec(
        String name, ParameterType type, String defaultValue, String description, boolean required) {

    public ParameterSpec {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException(
                    "a parameter name is a letter then letters, digits, '_', '.' or '-'; was '" + name + "'");
        }
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
        if (required && defaultValue != null) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "' is required, so it cannot have a default ('" + defaultValue + "')");
        }
        if (!required && defaultValue == null) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "' is optional, so it needs a default; or make it required");
        }
        if (defaultValue != null) {
            try {
                type.parse(defaultValue);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the default of parameter '" + name + "': " + e.getMessage(), e);
            }
        }
    }

    /** An optional parameter with a default. */
    public static ParameterSpec of(String name, ParameterType type, String defaultValue, String description) {
        return new ParameterSpec(name, type, Objects.requireNonNull(defaultValue, "defaultValue"), description, false);
    }

    /** A parameter that must be given. */
    public static ParameterSpec required(String name, ParameterType type, String description) {
        return new ParameterSpec(name, type, null, description, true);
    }

    /**
     * The typed value of {@code text}.
     *
     * @throws IllegalArgumentException naming this parameter, if the text is not of its type
     */
    public Object parse(String text) {
        try {
            return type.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage(), e);
        }
    }
}
