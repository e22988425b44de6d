package dev.coxswain.server.http;

/** The request body is not well-formed JSON. The message says where, never echoes the body. */
public final class MalformedJsonException extends RuntimeException {
    public MalformedJsonException(String message) {
        super(message);
    }
}
