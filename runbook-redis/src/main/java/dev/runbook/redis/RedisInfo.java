package dev.runbook.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the {@code field:value} lines of {@code INFO}. */
final class RedisInfo {
    private RedisInfo() {}

    static Map<String, String> parse(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                out.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    static long number(Map<String, String> info, String field) {
        String v = info.get(field);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return (long) Double.parseDouble(v);
        }
    }
}
