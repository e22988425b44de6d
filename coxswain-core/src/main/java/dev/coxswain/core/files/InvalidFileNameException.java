package dev.coxswain.core.files;

/** A filename, job id or key that {@link FileKeys} refuses; the message says why (fit for a 400). */
public final class InvalidFileNameException extends IllegalArgumentException {
    public InvalidFileNameException(String message) {
        super(message);
    }
}
