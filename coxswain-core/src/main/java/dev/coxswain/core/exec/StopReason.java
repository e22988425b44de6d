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
     * The attempt lost its lease (it counts as failed) and the task has moved on: retried, or a
     * newer attempt has started on this worker. Its result would be ignored; it must not run on
     * untracked, beyond timeout and cancel.
     */
    SUPERSEDED
}
