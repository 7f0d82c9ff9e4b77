package dev.vggstream.bench;

import java.util.Locale;

/**
 * One line of the goals table: what was measured, the target, whether it was met.
 *
 * @param met null when the line reports a figure without a target
 */
public record Goal(String item, String measured, String target, Boolean met) {

    public static Goal atLeast(String item, double value, double target, String unit) {
        return new Goal(item, fmt(value) + unit, "≥ " + fmt(target) + unit, value >= target);
    }

    public static Goal atMost(String item, double value, double target, String unit) {
        return new Goal(item, fmt(value) + unit, "≤ " + fmt(target) + unit, value <= target);
    }

    public static Goal report(String item, String measured) {
        return new Goal(item, measured, "(reported)", null);
    }

    public static Goal exact(String item, long value, long target) {
        return new Goal(item, Long.toString(value), "= " + target, value == target);
    }

    public String mark() {
        return met == null ? "" : met ? "✅" : "❌";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
