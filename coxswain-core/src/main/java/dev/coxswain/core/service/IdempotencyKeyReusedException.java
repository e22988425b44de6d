package dev.coxswain.core.service;

/**
 * An {@code Idempotency-Key} came back with another request than the one it first went with
 * (another route or body). Nothing was done; each face answers 422 in its own format.
 */
public class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException(String message) {
        super(message);
    }
}
