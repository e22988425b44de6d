package dev.coxswain.core.exec;

/**
 * Runs one attempt of a task of one type. Called on its own (virtual) thread; may block.
 * When {@link ExecutionContext#control()} is stopped, the executor must end promptly (killing
 * whatever it started) and return; the caller decides what the stop means for the task.
 */
public interface TaskExecutor {
    /** The task type this executor serves, e.g. {@code shell}. */
    String type();

    ExecutionResult execute(ExecutionContext ctx) throws InterruptedException;
}
