package dev.coxswain.core.schedule;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration of {@code @every} in Go's {@code time.ParseDuration} syntax ({@code 1h30m},
 * {@code 90s}, {@code 1.5h}), restricted to what a scheduler can honour: units h, m and s, a
 * positive whole number of seconds, at least one second. Exact decimal arithmetic, so {@code 0.1h}
 * is exactly 360 s.
 */
final class GoDuration {
    // One term: a decimal number (Go accepts "1.", ".5", "1.5") followed by its unit.
    private static final Pattern TERM = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)([^\\d.]*)");
    // Go's own limit (int64 nanoseconds); beyond it the text would not be a Go duration at all.
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000_000L);

    private GoDuration() {}

    static Duration parse(String text) {
        if (text.isEmpty()) {
            throw invalid("@every needs a duration, e.g. '@every 1h30m'");
        }
        Matcher term = TERM.matcher(text);
        BigDecimal seconds = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            if (!term.region(at, text.length()).lookingAt()) {
                throw invalid("@every: cannot read duration '" + text
                        + "' (use numbers with units h, m, s, e.g. 1h30m or 90s)");
            }
            BigDecimal amount = new BigDecimal(term.group(1));
            seconds = seconds.add(amount.multiply(BigDecimal.valueOf(unitSeconds(term.group(2), text))));
            at = term.end();
        }
        if (seconds.signum() == 0) {
            throw invalid("@every: duration '" + text + "' must be greater than 0");
        }
        if (seconds.compareTo(BigDecimal.ONE) < 0) {
            throw invalid("@every: duration '" + text + "' is shorter than the minimum of 1s");
        }
        if (seconds.stripTrailingZeros().scale() > 0) {
            throw invalid("@every: duration '" + text + "' must be a whole number of seconds");
        }
        if (seconds.compareTo(MAX_SECONDS) > 0) {
            throw invalid("@every: duration '" + text + "' is too long (at most 2562047h)");
        }
        return Duration.ofSeconds(seconds.longValueExact());
    }

    private static long unitSeconds(String unit, String text) {
        return switch (unit) {
            case "h" -> 3600;
            case "m" -> 60;
            case "s" -> 1;
            case "ms", "us", "µs", "ns" -> throw invalid("@every: unit '" + unit + "' in '" + text
                    + "' is not supported; the smallest unit is s and the minimum is 1s");
            case "" -> throw invalid("@every: missing unit in '" + text + "' (use h, m or s)");
            default -> throw invalid("@every: unknown unit '" + unit + "' in '" + text + "' (use h, m or s)");
        };
    }

    private static InvalidScheduleException invalid(String message) {
        return new InvalidScheduleException(message);
    }
}
