package dev.coxswain.core.webhook;

import java.time.Duration;

/**
 * How webhooks are delivered.
 *
 * @param retryBase   delay before the second attempt; it doubles per failure up to {@link #MAX_DELAY}
 * @param maxAttempts attempts before a delivery is given up (status failed)
 * @param timeout     per attempt: connect plus response
 */
public record WebhookSettings(boolean allowLoopback, boolean allowPrivate, Duration retryBase, int maxAttempts,
                             Duration timeout) {
    public static final Duration MAX_DELAY = Duration.ofHours(1);

    public static WebhookSettings defaults() {
        return new WebhookSettings(false, false, Duration.ofSeconds(5), 12, Duration.ofSeconds(10));
    }

    /** Delay after the {@code failures}-th failed attempt. */
    public Duration delayAfter(int failures) {
        long factor = 1L << Math.min(30, Math.max(0, failures - 1));
        Duration d = retryBase.multipliedBy(factor);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }
}
