package dev.coxswain.worker;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * What a {@link DeviceScript} knows about its task beside the device and the config, and how it
 * reports back. One context belongs to one attempt; its methods may be called from any thread.
 */
public interface DeviceTaskContext {

    /** The serial of the device the task runs on. */
    String serial();

    /** The script (task type) this task asked for. */
    String script();

    /** The account to act as ({@code params.username}), or null when the task names none. */
    String username();

    /**
     * Whether the script should stop: the server stopped or cancelled the task (also when its
     * device was withdrawn, {@link DeviceAgent#removeDevice}), or the worker is closing.
     */
    boolean isStopped();

    /** Throws {@link CancellationException} when {@link #isStopped()}: a check for loops. */
    default void throwIfStopped() {
        if (isStopped()) throw new CancellationException("Task on device " + serial() + " was stopped");
    }

    /**
     * Waits up to {@code timeout}, returning early when the task is stopped: the stoppable
     * replacement for {@code Thread.sleep} between steps of a script.
     *
     * @return true when stopped, false when the whole timeout passed
     */
    boolean awaitStop(Duration timeout);

    /** Reports progress (0 to 1, clamped) with a short note (may be null). */
    void progress(double fraction, String message);

    /** Adds a line to the task's log on the server (batched, as {@link TaskContext#log}). */
    void log(LogLevel level, String message);

    /** {@link #log(LogLevel, String)} at {@link LogLevel#INFO}. */
    default void log(String message) {
        log(LogLevel.INFO, message);
    }

    /**
     * The underlying task context: wire ids, attempt, deadline, metadata, the raw params and
     * checkpoints.
     */
    TaskContext task();
}
