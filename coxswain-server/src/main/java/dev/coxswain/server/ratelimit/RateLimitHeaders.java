package dev.coxswain.server.ratelimit;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** The {@code X-RateLimit-*} headers every face sends, and {@code Retry-After} on a refusal. */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    public static void apply(ServerResponse res, RateLimiter.Decision d) {
        if (d == null) return;
        res.header("X-RateLimit-Limit", Long.toString(d.limit()));
        res.header("X-RateLimit-Remaining", Long.toString(d.remaining()));
        res.header("X-RateLimit-Reset", Long.toString(d.resetEpochSeconds()));
        if (!d.allowed()) res.header(HeaderNames.RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
    }
}
