package dev.coxswain.bench;

import java.time.Duration;
import java.util.Map;

/**
 * One scheduler on one store, as {@link SideBySide} drives it: a handful of primitives, so that
 * every figure is measured by the same code ({@link PeerWorkload}) for each contender. Each
 * implementation talks to its scheduler only through that scheduler's public API.
 *
 * <p>Life of one measurement: {@link #prepare} → {@link #open} → … → {@link #release} →
 * {@link #dispose}.
 */
interface Contender {
    /** Column title, e.g. "Coxswain PG". */
    String label();

    /** Settings worth printing with the figures (pool, threads, polling, ...). */
    Map<String, String> settings();

    /** A fresh, empty store with the scheduler's schema, and no connection of the scheduler open on it. */
    void prepare() throws Exception;

    /** The scheduler built on the prepared store; its workers do not run yet. */
    void open() throws Exception;

    /** One call of the scheduler's batch API: tasks {@code first} .. {@code first + count - 1}, all due now. */
    void enqueueBatch(int first, int count) throws Exception;

    /** Planner statistics for the store, untimed: a long-lived store has them (autovacuum). */
    void analyze() throws Exception;

    void startWorkers() throws Exception;

    /** Task bodies that have started since {@link #open}, duplicates included. */
    long bodiesRun();

    /** Whether the store still holds a task that is not done (its completion committed). */
    boolean anyUnfinished() throws Exception;

    /**
     * Submits one task due now through the scheduler's ordinary single-task call, with the
     * workers running, so that the scheduler's own immediate wake-up (if it has one) applies.
     */
    Submitted submitNow(int i) throws Exception;

    /** What a submitted task's body reports when it starts. */
    interface Submitted {
        /** @return the {@link System#nanoTime()} of the first instruction of the task's body */
        long awaitBody(Duration max) throws Exception;
    }

    /** A problem with what the store holds after a phase (tasks left, failed), or null. */
    String checkDone() throws Exception;

    /** Stops the workers and closes every connection the scheduler holds. Safe to call twice. */
    void release() throws Exception;

    /**
     * Rows written so far to each table of the store (inserted, updated, deleted, as the store's
     * statistics count them), read while no connection of the scheduler is open: after
     * {@link #prepare} or after {@link #release}. Null where the store keeps no such statistics
     * (SQLite).
     */
    Map<String, TableWrites.Counts> tableWrites() throws Exception;

    /** Removes the store (drops the database, deletes the directory). */
    void dispose();
}
