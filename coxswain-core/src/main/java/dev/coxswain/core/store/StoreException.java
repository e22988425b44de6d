package dev.coxswain.core.store;

/** A database fault (not a business rule): the server answers 500 for it. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
