package dev.coxswain.core.pganalysis;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's memory and time units. Settings are kept in the form a DBA writes them
 * ({@code 128MB}, {@code 5min}) so crafted test maps and reports read naturally; a number without a
 * unit means bytes or milliseconds.
 */
final class PgUnits {
    static final long KB = 1024, MB = KB * 1024, GB = MB * 1024, TB = GB * 1024;
    private static final Pattern VALUE = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)\\s*");
    private static final Pattern SETTING_UNIT = Pattern.compile("(\\d*)\\s*(B|kB|MB|GB|TB)");

    private PgUnits() {
    }

    /** @return bytes, or null when the text is not a memory value */
    static Long bytes(String text) {
        Matcher m = text == null ? null : VALUE.matcher(text);
        if (m == null || !m.matches()) return null;
        long mult = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 1;
            case "KB" -> KB;
            case "MB" -> MB;
            case "GB" -> GB;
            case "TB" -> TB;
            default -> -1;
        };
        return mult < 0 ? null : (long) (Double.parseDouble(m.group(1)) * mult);
    }

    /** @return milliseconds, or null when the text is not a time value */
    static Long millis(String text) {
        Matcher m = text == null ? null : VALUE.matcher(text);
        if (m == null || !m.matches()) return null;
        long mult = switch (m.group(2)) {
            case "", "ms" -> 1;
            case "s" -> 1000;
            case "min" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> -1;
        };
        return mult < 0 ? null : (long) (Double.parseDouble(m.group(1)) * mult);
    }

    /**
     * pg_settings gives {@code setting} in the unit of {@code unit} ({@code 16384} × {@code 8kB});
     * this turns it into one value with a unit ({@code 131072kB}). Negative values are the
     * "disabled"/"automatic" markers and stay bare.
     */
    static String fromPgSettings(String setting, String unit) {
        if (setting == null || unit == null || unit.isEmpty() || setting.startsWith("-")) return setting;
        Matcher m = SETTING_UNIT.matcher(unit);
        if (m.matches()) {
            long factor = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
            try {
                return Math.multiplyExact(Long.parseLong(setting), factor) + m.group(2);
            } catch (NumberFormatException | ArithmeticException e) {
                return setting + unit;
            }
        }
        return setting + unit; // time units: ms, s, min
    }

    static String formatBytes(long b) {
        if (b >= GB && b % GB == 0) return b / GB + "GB";
        if (b >= MB && b % MB == 0) return b / MB + "MB";
        if (b >= KB && b % KB == 0) return b / KB + "kB";
        if (b >= MB) return Math.round(b / (double) MB) + "MB";
        return b + "B";
    }

    /** A recommendation rounded down to whole megabytes (never below 1MB), as one would type it. */
    static String recommendBytes(long b) {
        return formatBytes(Math.max(MB, b / MB * MB));
    }

    static String formatMillis(long ms) {
        if (ms >= 86_400_000 && ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
        if (ms >= 3_600_000 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms >= 60_000 && ms % 60_000 == 0) return ms / 60_000 + "min";
        if (ms >= 1000 && ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
