package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs write operations in group-committed transactions: each writer thread takes whatever ops
 * are waiting (one when load is low, up to {@code maxBatch} when it is high) and commits them in
 * one transaction, so a burst of writes costs one commit (one fsync) instead of many.
 *
 * <p>One op that fails (a constraint, a business rule thrown as an exception) fails only itself:
 * the batch is then applied again with each op in its own savepoint. Batches without failures,
 * the usual case, take no savepoints at all (see {@link #applyAll}).
 *
 * <p>SQLite runs one writer thread (it has one writer anyway); PostgreSQL can run several.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommitter.class.getName());
    private static final Op<?> POISON = new Op<>(tx -> null);

    /** Batches' worth of ops that may wait; a submitter beyond it waits for room (backpressure). */
    static final int QUEUED_BATCHES = 16;

    private final BlockingQueue<Op<?>> queue;
    /**
     * Submitters hold it shared while they check {@link #closed} and enqueue; close() holds it
     * alone while it sets the flag. So no op can land behind the stop markers, where no writer
     * would ever take it and its caller would wait forever.
     */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Supplier<Connection> connections;
    private final int maxBatch;
    private final List<Thread> threads = new ArrayList<>();
    private final Predicate<SQLException> transientFailure;
    static final int TRANSIENT_RETRIES = 5;
    /** Fresh connections a batch may try after losing one before its commit. */
    static final int LOST_CONNECTION_RETRIES = 1;
    private final Predicate<SQLException> connectionLost;
    private final Runnable onConnectionLost;
    private volatile boolean closed;

    /**
     * @param connections opens a writer connection (autocommit off); called once per writer thread
     *                    and again if a connection breaks
     */
    public GroupCommitter(String name, Supplier<Connection> connections, int writers, int maxBatch) {
        this(name, connections, writers, maxBatch, e -> false);
    }

    /**
     * @param transient says whether a failure is the database asking to try again (SQLite's
     *                  {@code SQLITE_BUSY}); a batch hit by one is rolled back and run again, up to
     *                  {@link #TRANSIENT_RETRIES} times, instead of failing its callers
     */
    public GroupCommitter(String name, Supplier<Connection> connections, int writers, int maxBatch,
                          Predicate<SQLException> transientFailure) {
        this(name, connections, writers, maxBatch, transientFailure, e -> false, () -> { });
    }

    /**
     * @param connectionLost says whether a failure means the connection is gone (the server ended
     *                       the session, the network dropped it). A batch that loses its
     *                       connection before its commit is run once more on a fresh connection,
     *                       then answered with {@link StoreUnavailableException}; one that loses
     *                       it during the commit with {@link CommitOutcomeUnknownException}.
     * @param onConnectionLost called after a lost connection (the pool drops its idle ones)
     */
    public GroupCommitter(String name, Supplier<Connection> connections, int writers, int maxBatch,
                          Predicate<SQLException> transientFailure,
                          Predicate<SQLException> connectionLost, Runnable onConnectionLost) {
        this.connectionLost = connectionLost;
        this.onConnectionLost = onConnectionLost;
        this.transientFailure = transientFailure;
        this.connections = connections;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(QUEUED_BATCHES * maxBatch);
        for (int i = 0; i < writers; i++) {
            int writer = i;
            threads.add(Thread.ofPlatform().daemon().name(name + "-writer-" + i).start(() -> loop(writer)));
        }
    }

    /** Queues a write; waits while the queue is full (the writers are behind). */
    public <T> CompletableFuture<T> submit(TxFunction<T> fn) {
        Op<T> op = new Op<>(fn);
        gate.readLock().lock();
        try {
            if (closed) {
                op.future.completeExceptionally(new IllegalStateException("store is closed"));
            } else if (!queue.offer(op)) {
                queue.put(op);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            op.future.completeExceptionally(new StoreUnavailableException("interrupted while waiting to write", e));
        } finally {
            gate.readLock().unlock();
        }
        return op.future;
    }

    /** Runs {@code fn} in a committed transaction and returns its result; rethrows its exception. */
    public <T> T run(TxFunction<T> fn) {
        try {
            return submit(fn).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new StoreException("write failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void loop(int writer) {
        Connection c = null;
        List<Op<?>> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                batch.clear();
                Op<?> first = queue.take();
                if (first == POISON) return;
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                // close() queues one stop marker per writer; a busy writer may drain several. Keep
                // one and hand the others back, or the writers they were meant for never stop.
                int stops = 0;
                for (Iterator<Op<?>> it = batch.iterator(); it.hasNext(); ) {
                    if (it.next() == POISON) {
                        it.remove();
                        stops++;
                    }
                }
                for (int i = 1; i < stops; i++) queue.put(POISON);
                boolean stop = stops > 0;
                if (!batch.isEmpty()) {
                    try {
                        c = commitBatch(c, batch, writer);
                    } catch (RuntimeException | Error e) {
                        // Whatever escaped, this writer must go on serving the queue: its ops
                        // fail instead of waiting for ever, and its connection is not trusted again.
                        LOG.log(Level.WARNING, "a write batch failed unexpectedly: " + e, e);
                        for (Op<?> op : batch) {
                            op.future.completeExceptionally(new StoreException("write failed: " + e.getMessage(), e));
                        }
                        if (c != null) try { c.close(); } catch (SQLException ignored) { }
                        c = null;
                    }
                }
                if (stop) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (c != null) try { c.close(); } catch (SQLException ignored) { }
        }
    }

    /** A writer connection, or null (and the batch answered as unavailable) when none can be opened. */
    private Connection openOrFail(List<Op<?>> batch) {
        try {
            return connections.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot open a writer connection: " + e.getMessage());
            StoreUnavailableException why = e instanceof StoreUnavailableException u ? u
                    : new StoreUnavailableException("cannot open a database connection: " + e.getMessage(), e);
            for (Op<?> op : batch) op.future.completeExceptionally(why);
            return null;
        }
    }

    /** The first failure in {@code e}'s causes that {@code kind} accepts, or null. */
    private static SQLException causeIn(Throwable e, Predicate<SQLException> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && kind.test(sql)) return sql;
        }
        return null;
    }

    /** The first failure of that kind among the ops of {@code batch}, or null. */
    private static SQLException causeIn(List<Op<?>> batch, Predicate<SQLException> kind) {
        for (Op<?> op : batch) {
            SQLException cause = causeIn(op.error, kind);
            if (cause != null) return cause;
        }
        return null;
    }

    private void discard(Connection c) {
        try { c.close(); } catch (SQLException ignored) { }
        onConnectionLost.run();
    }

    /**
     * Runs the batch in one transaction and commits it. When an op or the commit runs into a
     * transient failure (SQLite's {@code SQLITE_BUSY}), the whole batch is rolled back and run
     * again, a few times, before its callers see an error: every op is a function of the store
     * alone, so repeating it on a clean transaction is safe.
     *
     * @return the connection to use next (a fresh one if this one broke)
     */
    private Connection commitBatch(Connection c, List<Op<?>> batch, int writer) {
        int lost = 0;
        for (int attempt = 0; ; attempt++) {
            if (c == null && (c = openOrFail(batch)) == null) return null;
            for (Op<?> op : batch) op.error = null;
            List<Tx> txs = new ArrayList<>(batch.size());
            SQLException cause;
            boolean committing = false;
            try {
                applyAll(c, batch, txs);
                SQLException gone = causeIn(batch, connectionLost);
                if (gone != null) throw gone;
                cause = causeIn(batch, transientFailure);
                if (cause == null) {
                    writeBeforeCommit(c, batch, txs, writer);
                    committing = true;
                    c.commit();
                    answer(batch, txs);
                    return c;
                }
                c.rollback();
            } catch (SQLException e) {
                if (causeIn(e, connectionLost) != null) {
                    discard(c);
                    c = null;
                    if (committing) {
                        // The commit may have reached the server: running the batch again could apply it twice.
                        LOG.warning("the database connection broke during a commit of " + batch.size() + " write(s)");
                        for (Op<?> op : batch) op.future.completeExceptionally(new CommitOutcomeUnknownException(e));
                        return null;
                    }
                    if (lost++ < LOST_CONNECTION_RETRIES) {
                        // Nothing reached a commit: run the whole batch again on a fresh connection.
                        LOG.info("a writer connection was lost (" + e.getMessage() + "); running its batch again");
                        attempt--;
                        continue;
                    }
                    for (Op<?> op : batch) {
                        op.future.completeExceptionally(new StoreUnavailableException(
                                "the database connection was lost before the write committed: " + e.getMessage(), e));
                    }
                    return null;
                }
                // The commit itself (or a savepoint) failed: nothing in this batch is durable.
                try { c.rollback(); } catch (SQLException ignored) { }
                if (!transientFailure.test(e)) {
                    for (Op<?> op : batch) op.future.completeExceptionally(new StoreException("commit failed: " + e.getMessage(), e));
                    return reopenIfBroken(c);
                }
                cause = e;
            }
            if (attempt >= TRANSIENT_RETRIES) {
                for (Op<?> op : batch) {
                    op.future.completeExceptionally(new StoreException("write failed after " + TRANSIENT_RETRIES
                            + " retries: " + cause.getMessage(), cause));
                }
                return c;
            }
            SQLException why = cause;
            LOG.fine(() -> "write batch hit a transient failure, running it again: " + why.getMessage());
            try {
                Thread.sleep(5L * (attempt + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (Op<?> op : batch) op.future.completeExceptionally(new StoreException("interrupted", why));
                return c;
            }
        }
    }

    /**
     * Applies the batch; failures go to op.error. Ops are first applied back to back without
     * savepoints: a savepoint and its release cost PostgreSQL two round trips per op, more than a
     * typical op's own statements. Only when an op fails (rare: a business rule thrown inside the
     * transaction) is the batch rolled back and applied again with each op in its own savepoint,
     * so the failure stays the failing op's alone. Re-running is safe for the same reason the
     * transient retry is: every op is a function of the store alone.
     */
    private void applyAll(Connection c, List<Op<?>> batch, List<Tx> txs) throws SQLException {
        if (batch.size() > 1) {
            if (applyWithoutSavepoints(c, batch, txs)) return;
            txs.clear();
            for (Op<?> op : batch) op.error = null;
        }
        applyInSavepoints(c, batch, txs);
    }

    /**
     * @return true when every op applied, or one met a transient failure (recorded in op.error;
     *         the caller retries the whole batch); false when one failed otherwise and the
     *         transaction was rolled back
     */
    private boolean applyWithoutSavepoints(Connection c, List<Op<?>> batch, List<Tx> txs) throws SQLException {
        Map<Object, Object> memo = new HashMap<>();
        for (Op<?> op : batch) {
            Tx tx = new Tx(c, memo);
            txs.add(tx);
            try {
                op.apply(tx);
            } catch (Throwable e) {
                if (isTransient(e)) {
                    op.error = e;
                    return true;
                }
                c.rollback();
                return false;
            }
        }
        return true;
    }

    private boolean isTransient(Throwable e) {
        return causeIn(e, transientFailure) != null;
    }


    /** Applies each op in its own savepoint (when it shares the transaction); failures go to op.error. */
    private void applyInSavepoints(Connection c, List<Op<?>> batch, List<Tx> txs) throws SQLException {
        boolean alone = batch.size() == 1;
        Map<Object, Object> memo = new HashMap<>();
        for (Op<?> op : batch) {
            Tx tx = new Tx(c, memo);
            txs.add(tx);
            Savepoint sp = alone ? null : c.setSavepoint();
            try {
                op.apply(tx);
                if (sp != null) c.releaseSavepoint(sp);
            } catch (Throwable e) {
                // Errors too: an op's Error must reach its caller (run() rethrows it), not kill
                // this writer thread and leave every waiting future unanswered.
                if (sp != null) c.rollback(sp);
                memo.clear(); // it may hold what the rolled-back op read of its own writes
                op.error = e;
                if (alone) c.rollback();
            }
        }
    }

    /**
     * The before-commit writes of the ops that applied, merged by key and written once each. A
     * failure here is a failure of the commit: nothing of the batch is durable (the caller rolls
     * back, and runs the batch again when the failure is transient).
     */
    private static void writeBeforeCommit(Connection c, List<Op<?>> batch, List<Tx> txs, int writer) throws SQLException {
        Map<Object, Tx.BeforeCommit> merged = null;
        for (int i = 0; i < txs.size(); i++) {
            if (batch.get(i).error != null) continue;
            for (var e : txs.get(i).beforeCommitWrites().entrySet()) {
                if (merged == null) merged = new java.util.LinkedHashMap<>();
                Tx.BeforeCommit first = merged.putIfAbsent(e.getKey(), e.getValue());
                if (first != null) first.absorb(e.getValue());
            }
        }
        if (merged == null) return;
        try {
            for (Tx.BeforeCommit w : merged.values()) w.write(c, writer);
        } catch (AssertionError e) {
            // pgjdbc, run with assertions on, throws this from executeBatch when the backend is
            // killed mid-batch (its connection is gone, so asking it for autocommit fails). As a
            // lost connection the batch runs again on a fresh one: nothing of it was committed.
            throw new SQLException("the connection broke during a before-commit write: " + e.getMessage(), "08006", e);
        }
    }

    /** Answers every op of a committed batch and runs the after-commit actions. */
    private void answer(List<Op<?>> batch, List<Tx> txs) {
        for (int i = 0; i < batch.size(); i++) {
            Op<?> op = batch.get(i);
            if (op.error != null) {
                op.future.completeExceptionally(statementTimedOut(op.error)
                        ? new StoreUnavailableException("the database did not finish the write in time", op.error)
                        : op.error);
                continue;
            }
            for (Runnable r : txs.get(i).afterCommitActions()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "after-commit action failed", e);
                }
            }
            op.complete();
        }
    }

    /** PostgreSQL's query_canceled: the writer's statement timeout ran out (nothing was committed). */
    private static boolean statementTimedOut(Throwable e) {
        return causeIn(e, sql -> "57014".equals(sql.getSQLState())) != null;
    }

    private Connection reopenIfBroken(Connection c) {
        try {
            if (c.isValid(2)) return c;
        } catch (SQLException ignored) {
        }
        try { c.close(); } catch (SQLException ignored) { }
        return null;
    }

    /** Drains what was submitted, then stops the writers. */
    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
        for (int i = 0; i < threads.size(); i++) {
            try {
                queue.put(POISON);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Op<T> {
        final TxFunction<T> fn;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        Throwable error;

        Op(TxFunction<T> fn) {
            this.fn = fn;
        }

        void apply(Tx tx) throws SQLException {
            result = fn.apply(tx);
        }

        void complete() {
            future.complete(result);
        }
    }
}
