package dev.coxswain.core.exec;

import dev.coxswain.core.exec.ExecutionResult;
import java.time.Instant;

/**
 * How one attempt ended, as reported by the worker that ran it.
 *
 * @param attempt the attempt number the worker claimed; a completion for an older attempt
 *                (the lease was lost and the task re-claimed) is ignored
 * @param outcome what to do with the task
 */
public record Completion(long taskId, int attempt, String workerId, Outcome outcome, ExecutionResult result,
                         Instant startedAt, Instant finishedAt) {
    public enum Outcome {
        /** Report the result: completed on success, otherwise a failed attempt (retry or fail). */
        RESULT,
        /** The task was cancelled while running; only its remaining log lines are written. */
        CANCELLED,
        /** The server shut down before the attempt ended: back to the queue, not counted as a retry. */
        RELEASED
    }
}
