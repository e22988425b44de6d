package dev.coxswain.worker;

import java.time.Duration;
import java.util.Locale;

/**
 * A worker-API call that did not get a usable answer, sorted the way the SDK reacts to it. The
 * message holds the server's error text (never a token), because the heartbeat loop decides on
 * it: "not found" or "unauthorized" means the server lost the worker's session.
 */
final class ApiException extends Exception {
    enum Kind {
        /** Connection refused, reset or timed out. */
        NETWORK,
        /** 429: wait {@link #retryAfter()} (or the floor when null). */
        RATE_LIMITED,
        /** 401 even after a token exchange, or the exchange itself failed. */
        UNAUTHORIZED,
        /** Any other status of 400 or more. */
        HTTP,
        /** A 2xx answer that is not JSON. */
        PROTOCOL
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    ApiException(Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    static ApiException network(String path, Throwable cause) {
        return new ApiException(Kind.NETWORK, 0, "Network error on " + path + ": " + cause, null, cause);
    }

    Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 for network errors. */
    int status() {
        return status;
    }

    /** The server's Retry-After on a 429, or null. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** The SDK's test for "the server no longer knows this worker": re-register. */
    boolean sessionLost() {
        if (kind == Kind.UNAUTHORIZED || status == 404) return true;
        String text = String.valueOf(getMessage()).toLowerCase(Locale.ROOT);
        return kind != Kind.NETWORK && (text.contains("not found") || text.contains("unauthorized"));
    }
}
