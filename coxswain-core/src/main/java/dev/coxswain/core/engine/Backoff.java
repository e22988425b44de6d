package dev.coxswain.core.engine;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delay before retry number {@code n} (1 = first retry), from a task's {@code backoff} rule:
 * <ul>
 *   <li>{@code exponential} — 2^n seconds, capped at 300 s, ±10 % jitter (the native API's rule);</li>
 *   <li>{@code fixed:<seconds>} — the same delay every time.</li>
 * </ul>
 * Jitter spreads retries of tasks that failed together so they do not stampede back at once.
 */
public final class Backoff {
    public static final String EXPONENTIAL = "exponential";
    static final long CAP_SECONDS = 300;
    static final double JITTER = 0.10;

    private final RandomGenerator random;

    public Backoff(RandomGenerator random) {
        this.random = random;
    }

    public static boolean valid(String rule) {
        if (EXPONENTIAL.equals(rule)) return true;
        if (rule != null && rule.startsWith("fixed:")) {
            try {
                return Long.parseLong(rule.substring(6)) >= 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    public static String fixed(long seconds) {
        return "fixed:" + seconds;
    }

    public Duration delay(String rule, int retryNumber) {
        if (rule != null && rule.startsWith("fixed:")) return Duration.ofSeconds(Long.parseLong(rule.substring(6)));
        long base = Math.min(CAP_SECONDS, 1L << Math.min(retryNumber, 30));
        double factor = 1 + (random.nextDouble() * 2 - 1) * JITTER;
        return Duration.ofMillis(Math.round(base * 1000 * factor));
    }
}
