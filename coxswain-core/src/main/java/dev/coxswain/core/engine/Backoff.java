package dev.coxswain.core.engine;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delay before retry number {@code n} (1 = first retry), from a task's {@code backoff} rule:
 * <ul>
 *   <li>{@code exponential} — 2^n seconds, capped at 300 s, ±10 % jitter (the native API's rule);</li>
 *   <li>{@code fixed:<seconds>} — the same delay every time;</li>
 *   <li>{@code linear:<seconds>} — {@code seconds × n}: 60, 120, 180 s for {@code linear:60} (the
 *       PostgreSQL Reviewer scheduler's rule), no jitter;</li>
 *   <li>{@code random:<min>-<max>} — uniform in [min, max] seconds, millisecond resolution: 5–60 s
 *       for {@code random:5-60} (the device-farm API's retry rule).</li>
 * </ul>
 * Jitter spreads retries of tasks that failed together so they do not stampede back at once.
 */
public final class Backoff {
    public static final String EXPONENTIAL = "exponential";
    static final String FIXED = "fixed:";
    static final String LINEAR = "linear:";
    static final String RANDOM = "random:";
    static final long CAP_SECONDS = 300;
    static final double JITTER = 0.10;

    private final RandomGenerator random;

    public Backoff(RandomGenerator random) {
        this.random = random;
    }

    public static boolean valid(String rule) {
        if (EXPONENTIAL.equals(rule)) return true;
        if (rule != null && rule.startsWith(RANDOM)) return randomBounds(rule) != null;
        if (rule != null && (rule.startsWith(FIXED) || rule.startsWith(LINEAR))) {
            try {
                return Long.parseLong(rule.substring(rule.indexOf(':') + 1)) >= 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    public static String linear(long seconds) {
        return LINEAR + seconds;
    }

    /** Uniform in [min, max] seconds. */
    public static String random(long minSeconds, long maxSeconds) {
        if (minSeconds < 0 || maxSeconds < minSeconds) throw new IllegalArgumentException("need 0 <= min <= max");
        return RANDOM + minSeconds + "-" + maxSeconds;
    }

    /** {min, max} of a {@code random:} rule, or null when it is malformed. */
    private static long[] randomBounds(String rule) {
        String[] parts = rule.substring(RANDOM.length()).split("-", -1);
        if (parts.length != 2) return null;
        try {
            long min = Long.parseLong(parts[0]);
            long max = Long.parseLong(parts[1]);
            return min >= 0 && max >= min && max <= 86_400 * 365L ? new long[]{min, max} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static String fixed(long seconds) {
        return "fixed:" + seconds;
    }

    public Duration delay(String rule, int retryNumber) {
        if (rule != null && rule.startsWith(RANDOM)) {
            long[] b = randomBounds(rule);
            if (b != null) return Duration.ofMillis(b[0] * 1000 + (long) (random.nextDouble() * ((b[1] - b[0]) * 1000 + 1)));
        }
        if (rule != null && rule.startsWith(FIXED)) return Duration.ofSeconds(Long.parseLong(rule.substring(FIXED.length())));
        if (rule != null && rule.startsWith(LINEAR)) {
            return Duration.ofSeconds(Long.parseLong(rule.substring(LINEAR.length())) * Math.max(1, retryNumber));
        }
        long base = Math.min(CAP_SECONDS, 1L << Math.min(retryNumber, 30));
        double factor = 1 + (random.nextDouble() * 2 - 1) * JITTER;
        return Duration.ofMillis(Math.round(base * 1000 * factor));
    }
}
