package dev.coxswain.core.dashboard;

/** The orders of the task list; each walks one index in its own order. */
public enum Sort {
    /** Newest first: created_at DESC, id DESC. With a tag filter: id DESC (ids are given out in creation order). */
    NEWEST,
    /** Oldest first: created_at ASC, id ASC (with a tag filter: id ASC). */
    OLDEST,
    /** The queue's order, priority DESC then id: offered for status queued only. */
    PRIORITY,
    /** Last finished first: completed_at DESC, id DESC: finished tasks only. */
    FINISHED
}
