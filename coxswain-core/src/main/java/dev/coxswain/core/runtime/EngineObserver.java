package dev.coxswain.core.runtime;

import dev.coxswain.core.domain.Task;
import java.time.Duration;

/**
 * What the engine reports as it works, for metrics. Called on the engine's own threads, often
 * right after a commit (a claim, a completion) whose follow-up must not be cut short: an
 * implementation must be quick, and the engine calls it only through {@link #guarded}, so whatever
 * it throws is logged and swallowed.
 */
public interface EngineObserver {
    /** How an attempt on the local worker ended. */
    enum AttemptOutcome { COMPLETED, FAILED, TIMED_OUT, CANCELLED, RELEASED }

    /**
     * A claimed attempt starts on the local worker.
     *
     * @param latency from when the task was due (its run_at: creation, scheduled time, end of a
     *                backoff, or completion of its last dependency) to this start
     */
    default void attemptStarted(Task t, Duration latency) {
    }

    default void attemptFinished(Task t, AttemptOutcome outcome, Duration took) {
    }

    /** One webhook delivery attempt ended: delivered, retrying or failed (given up). */
    default void webhookAttempt(String event, String outcome) {
    }

    /** A schedule slot got its run; {@code lateness} is from the slot's time to the run's commit. */
    default void slotFired(Duration lateness) {
    }

    EngineObserver NONE = new EngineObserver() {
    };

    /** {@code observer}, with every exception (and error) it throws logged and swallowed. */
    static EngineObserver guarded(EngineObserver observer) {
        return observer instanceof GuardedObserver ? observer : new GuardedObserver(observer);
    }
}
