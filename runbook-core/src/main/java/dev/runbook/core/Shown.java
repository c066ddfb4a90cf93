package dev.runbook.core;

import java.math.BigDecimal;
import java.math.MathContext;

/** Values as plans and reports print them: a measured double as {@code 0.9015}, not {@code 0.9014536658064926}. */
final class Shown {
    private Shown() {}

    /** {@code value} as text; a double or float with at most four significant digits after rounding. */
    static String value(Object value) {
        if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            BigDecimal b = new BigDecimal(d).round(new MathContext(4));
            return b.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }
}
