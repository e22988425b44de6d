package dev.coxswain.core.store;

import java.time.Duration;

/**
 * The database could not be reached or dropped the connection before the write committed (a
 * terminated backend, a failover, a network blip). Nothing was written, so the caller may retry:
 * every face answers 503 with {@code Retry-After} in its own format, never 500.
 */
public class StoreUnavailableException extends StoreException {
    /** How long a client should wait before retrying. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public Duration retryAfter() {
        return RETRY_AFTER;
    }
}
