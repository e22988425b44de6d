package dev.coxswain.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;

/**
 * What a {@link TaskHandler} knows about its task and how it talks back to the server. One
 * context belongs to one task attempt; its methods may be called from any thread.
 */
public interface TaskContext {

    /** The task's {@code params} object ({@code {}} when the server sent none). */
    JsonNode params();

    /** {@link #params()} converted to {@code type} with the worker's {@code ObjectMapper}. */
    <T> T params(Class<T> type);

    /** The skill (task type) this task asked for. */
    String skill();

    /** The wire task id of this attempt, for example {@code task-7.2}: a new one per attempt. */
    String taskId();

    /** The wire job id, for example {@code task-7}. */
    String jobId();

    /**
     * Coxswain's own id of the task ({@code metadata.coxswain_task}), the same for every attempt,
     * or null when the server did not send it.
     */
    String coxswainTask();

    /** Which attempt this is, from {@code metadata.attempt} (1 when the server did not say). */
    int attempt();

    /** When the server stops waiting for the result, or null when it set no deadline. */
    Instant deadline();

    /** The task's whole {@code metadata} object ({@code {}} when there is none). */
    JsonNode metadata();

    /**
     * The checkpoint an earlier attempt saved ({@code metadata.checkpoint}), to resume from, or
     * null when there is none.
     */
    JsonNode checkpoint();

    /**
     * Reports progress. Sent at once as a {@code progress} event; a failure to deliver it is
     * logged, never thrown.
     *
     * @param fraction 0 to 1 (clamped)
     * @param message  a short human-readable note, may be null
     */
    void progress(double fraction, String message);

    /**
     * Adds a line to the task's log on the server. Lines are batched: at most one {@code log}
     * event per 200 ms per task, and the last batch is sent before the result.
     */
    void log(LogLevel level, String message);

    /** {@link #log(LogLevel, String)} at {@link LogLevel#INFO}. */
    default void log(String message) {
        log(LogLevel.INFO, message);
    }

    /**
     * Saves a checkpoint (anything Jackson can serialise) so that a later attempt of this task
     * can resume from it through {@link #checkpoint()}.
     *
     * @return whether the server took it (over the WebSocket: whether it was sent)
     */
    boolean checkpoint(Object data);

    /** Whether the server cancelled this task (or the worker is handing it back at shutdown). */
    boolean isCancelled();

    /** Throws {@link CancellationException} when {@link #isCancelled()}: a check for loops. */
    default void throwIfCancelled() {
        if (isCancelled()) throw new CancellationException("Task " + taskId() + " was cancelled");
    }

    /**
     * Waits up to {@code timeout}, returning early when the task is cancelled: the cancellable
     * replacement for {@code Thread.sleep}.
     *
     * @return true when the task was cancelled, false when the whole timeout passed
     */
    boolean awaitCancellation(Duration timeout);
}
