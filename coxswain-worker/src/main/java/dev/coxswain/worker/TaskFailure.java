package dev.coxswain.worker;

import dev.coxswain.worker.protocol.Protocol;
import java.util.Objects;

/**
 * Thrown by a {@link TaskHandler} to fail its task with a chosen error code. The server fails
 * the task at once for {@code PERMANENT_ERROR}, {@code INVALID_INPUT_ERROR},
 * {@code INTEGRITY_MISMATCH_ERROR}, {@code CONTRACT_VIOLATION_ERROR} and {@code SECURITY_ERROR},
 * and retries it (under its retry policy) for {@code TRANSIENT_ERROR} and any other code.
 *
 * <pre>{@code
 * if (!params.has("url")) throw TaskFailure.invalidInput("params.url is required");
 * }</pre>
 */
public class TaskFailure extends RuntimeException {
    private final String code;
    private final transient Object details;

    public TaskFailure(String code, String message) {
        this(code, message, null, null);
    }

    public TaskFailure(String code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    /**
     * @param details extra JSON for the error's {@code details} member (anything Jackson can
     *                serialise), or null
     */
    public TaskFailure(String code, String message, Object details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = details;
    }

    /** Worth retrying: a network hiccup, a busy dependency. */
    public static TaskFailure transientError(String message) {
        return new TaskFailure(Protocol.ERROR_TRANSIENT, message);
    }

    /** Retrying cannot help; the task fails at once. */
    public static TaskFailure permanent(String message) {
        return new TaskFailure(Protocol.ERROR_PERMANENT, message);
    }

    /** The task's params are wrong; the task fails at once. */
    public static TaskFailure invalidInput(String message) {
        return new TaskFailure(Protocol.ERROR_INVALID_INPUT, message);
    }

    /** The wire error code, for example {@code PERMANENT_ERROR}. */
    public String code() {
        return code;
    }

    /** What goes into the error's {@code details}, or null. */
    public Object details() {
        return details;
    }
}
