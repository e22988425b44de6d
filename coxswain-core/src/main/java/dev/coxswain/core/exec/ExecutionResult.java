package dev.coxswain.core.exec;

/**
 * The outcome of one attempt as the executor saw it.
 *
 * @param success   true when the work succeeded (exit code 0 for shell)
 * @param exitCode  process exit code, or null when there was no process
 * @param result    the bounded result text (stdout for shell), may be null
 * @param error     why it failed, null on success
 * @param permanent a failure that every retry would meet again (the input itself is refused):
 *                  the task fails at once, whatever retries it has left
 * @param errorCode the code a remote worker gave its failure (the protocol's TRANSIENT_ERROR …), or null
 */
public record ExecutionResult(boolean success, Integer exitCode, String result, String error, boolean permanent,
                              String errorCode) {
    public ExecutionResult(boolean success, Integer exitCode, String result, String error) {
        this(success, exitCode, result, error, false, null);
    }

    public ExecutionResult(boolean success, Integer exitCode, String result, String error, boolean permanent) {
        this(success, exitCode, result, error, permanent, null);
    }

    public static ExecutionResult ok(Integer exitCode, String result) {
        return new ExecutionResult(true, exitCode, result, null);
    }

    public static ExecutionResult failed(Integer exitCode, String result, String error) {
        return new ExecutionResult(false, exitCode, result, error);
    }

    /** A failure not worth retrying: bad input, a refused statement, a target that does not exist. */
    public static ExecutionResult failedPermanently(Integer exitCode, String result, String error) {
        return new ExecutionResult(false, exitCode, result, error, true);
    }
}
