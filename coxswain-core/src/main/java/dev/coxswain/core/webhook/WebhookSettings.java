package dev.coxswain.core.webhook;

import java.time.Duration;

/**
 * How webhooks are delivered.
 *
 * @param retryBase      delay before the second attempt; it doubles per failure up to {@link #MAX_DELAY}
 * @param maxAttempts    attempts before a delivery is given up (status failed)
 * @param timeout        per attempt: connect plus response
 * @param workflowSecret the secret that signs job webhooks (config {@code workflow-webhook-secret}),
 *                       or null: one is generated at first start and kept sealed in the store
 */
public record WebhookSettings(boolean allowLoopback, boolean allowPrivate, Duration retryBase, int maxAttempts,
                              Duration timeout, String workflowSecret) {
    public static final Duration MAX_DELAY = Duration.ofHours(1);

    /** Without a configured workflow webhook secret. */
    public WebhookSettings(boolean allowLoopback, boolean allowPrivate, Duration retryBase, int maxAttempts,
                           Duration timeout) {
        this(allowLoopback, allowPrivate, retryBase, maxAttempts, timeout, null);
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(false, false, Duration.ofSeconds(5), 12, Duration.ofSeconds(10));
    }

    /** With this workflow webhook secret (null: generated and stored). */
    public WebhookSettings withWorkflowSecret(String secret) {
        return new WebhookSettings(allowLoopback, allowPrivate, retryBase, maxAttempts, timeout, secret);
    }

    /** Delay after the {@code failures}-th failed attempt. */
    public Duration delayAfter(int failures) {
        long factor = 1L << Math.min(30, Math.max(0, failures - 1));
        Duration d = retryBase.multipliedBy(factor);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "WebhookSettings[allowLoopback=" + allowLoopback + ", allowPrivate=" + allowPrivate + ", retryBase="
                + retryBase + ", maxAttempts=" + maxAttempts + ", timeout=" + timeout + ", workflowSecret="
                + (workflowSecret == null ? "generated" : "configured") + "]";
    }
}
