package dev.coxswain.core.service;

/** The resource is in a state that does not allow the operation. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
