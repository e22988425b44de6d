package dev.coxswain.core.exec;

/**
 * The outcome of one attempt as the executor saw it.
 *
 * @param success  true when the work succeeded (exit code 0 for shell)
 * @param exitCode process exit code, or null when there was no process
 * @param result   the bounded result text (stdout for shell), may be null
 * @param error    why it failed, null on success
 */
public record ExecutionResult(boolean success, Integer exitCode, String result, String error) {
    public static ExecutionResult ok(Integer exitCode, String result) {
        return new ExecutionResult(true, exitCode, result, null);
    }

    public static ExecutionResult failed(Integer exitCode, String result, String error) {
        return new ExecutionResult(false, exitCode, result, error);
    }
}
