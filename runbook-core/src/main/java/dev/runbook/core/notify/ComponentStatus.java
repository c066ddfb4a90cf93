package dev.runbook.core.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A status page component's status, as the Atlassian Statuspage API names them.
 *
 * <pre>{@code
 * ComponentStatus.parse("degraded_performance");   // DEGRADED_PERFORMANCE
 * }</pre>
 */
public enum ComponentStatus {
    OPERATIONAL,
    DEGRADED_PERFORMANCE,
    PARTIAL_OUTAGE,
    MAJOR_OUTAGE,
    UNDER_MAINTENANCE;

    /** The API's name: {@code degraded_performance}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status with this API name.
     *
     * @throws IllegalArgumentException naming the known statuses
     */
    public static ComponentStatus parse(String apiName) {
        for (ComponentStatus s : values()) {
            if (s.apiName().equals(apiName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + apiName + "' is not a component status; use one of "
                + Arrays.stream(values()).map(ComponentStatus::apiName).collect(Collectors.joining(", ")));
    }
}
