package dev.coxswain.core.workflow;

/** A job's {@code initial_data} does not satisfy its blueprint's input schema. */
public final class InputValidationException extends RuntimeException {
    private final String blueprint;

    public InputValidationException(String blueprint, String message) {
        super(message);
        this.blueprint = blueprint;
    }

    public String blueprint() {
        return blueprint;
    }
}
