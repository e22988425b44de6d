package dev.coxswain.server.http;

/** The request body is larger than the configured limit. */
public final class BodyTooLargeException extends RuntimeException {
    public BodyTooLargeException(long limit) {
        super("request body is larger than " + limit + " bytes");
    }
}
