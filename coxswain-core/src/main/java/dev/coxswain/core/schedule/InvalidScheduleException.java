package dev.coxswain.core.schedule;

/**
 * Thrown for an expression that cannot be used. The message is written for the person who typed
 * the expression: it names the field and the offending value, and never includes internals, so it
 * is safe to hand back to API clients as is.
 */
public final class InvalidScheduleException extends RuntimeException {
    InvalidScheduleException(String message) {
        super(message);
    }
}
