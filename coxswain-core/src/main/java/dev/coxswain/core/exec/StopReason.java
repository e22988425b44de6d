package dev.coxswain.core.exec;

/** Why a running attempt is being stopped from outside. */
public enum StopReason {
    /** A user cancelled the task. */
    CANCELLED,
    /** The attempt outlived the task's timeout_seconds. */
    TIMED_OUT,
    /** The server is shutting down and the grace period is over; the task goes back to the queue. */
    SHUTDOWN,
    /**
     * The attempt lost its lease (it counts as failed) and a newer attempt of the same task has
     * started on this worker: the old one must not run on untracked, without timeout or cancel.
     */
    SUPERSEDED
}
