package dev.runbook.core.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A status page incident's status, as the seeds' updates and the Statuspage API name them.
 *
 * <pre>{@code
 * IncidentStatus.parse("monitoring");   // MONITORING
 * }</pre>
 */
public enum IncidentStatus {
    INVESTIGATING,
    IDENTIFIED,
    MONITORING,
    RESOLVED;

    /** The API's name: {@code investigating}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status with this API name.
     *
     * @throws IllegalArgumentException naming the known statuses
     */
    public static IncidentStatus parse(String apiName) {
        for (IncidentStatus s : values()) {
            if (s.apiName().equals(apiName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + apiName + "' is not an incident status; use one of "
                + Arrays.stream(values()).map(IncidentStatus::apiName).collect(Collectors.joining(", ")));
    }
}
