package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs write operations in group-committed transactions: each writer thread takes whatever ops
 * are waiting (one when load is low, up to {@code maxBatch} when it is high) and commits them in
 * one transaction, so a burst of writes costs one commit (one fsync) instead of many.
 *
 * <p>Each op runs inside its own savepoint when it shares the transaction with others, so one op
 * that fails (a constraint, a business rule thrown as an exception) rolls back only itself. The
 * hot engine paths batch at the domain level (one op claims or completes hundreds of tasks), so
 * the number of savepoints per transaction stays small.
 *
 * <p>SQLite runs one writer thread (it has one writer anyway); PostgreSQL can run several.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommitter.class.getName());
    private static final Op<?> POISON = new Op<>(tx -> null);

    private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
    private final Supplier<Connection> connections;
    private final int maxBatch;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param connections opens a writer connection (autocommit off); called once per writer thread
     *                    and again if a connection breaks
     */
    public GroupCommitter(String name, Supplier<Connection> connections, int writers, int maxBatch) {
        this.connections = connections;
        this.maxBatch = maxBatch;
        for (int i = 0; i < writers; i++) {
            threads.add(Thread.ofPlatform().daemon().name(name + "-writer-" + i).start(this::loop));
        }
    }

    public <T> CompletableFuture<T> submit(TxFunction<T> fn) {
        Op<T> op = new Op<>(fn);
        if (closed) {
            op.future.completeExceptionally(new IllegalStateException("store is closed"));
            return op.future;
        }
        queue.add(op);
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

    private void loop() {
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
                for (int i = 1; i < stops; i++) queue.add(POISON);
                boolean stop = stops > 0;
                if (!batch.isEmpty()) {
                    if (c == null) c = openQuietly();
                    c = commitBatch(c, batch);
                }
                if (stop) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (c != null) try { c.close(); } catch (SQLException ignored) { }
        }
    }

    private Connection openQuietly() {
        while (true) {
            try {
                return connections.get();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot open a writer connection, retrying in 1 s: " + e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** @return the connection to use next (a fresh one if this one broke) */
    private Connection commitBatch(Connection c, List<Op<?>> batch) {
        boolean alone = batch.size() == 1;
        List<Tx> txs = new ArrayList<>(batch.size());
        try {
            for (Op<?> op : batch) {
                Tx tx = new Tx(c);
                txs.add(tx);
                Savepoint sp = alone ? null : c.setSavepoint();
                try {
                    op.apply(tx);
                    if (sp != null) c.releaseSavepoint(sp);
                } catch (Throwable e) {
                    // Errors too: an op's Error must reach its caller (run() rethrows it), not kill
                    // this writer thread and leave every waiting future unanswered.
                    if (sp != null) c.rollback(sp);
                    op.error = e;
                    if (alone) c.rollback();
                }
            }
            c.commit();
        } catch (SQLException e) {
            // The commit itself (or a savepoint) failed: nothing in this batch is durable.
            try { c.rollback(); } catch (SQLException ignored) { }
            for (Op<?> op : batch) op.future.completeExceptionally(new StoreException("commit failed: " + e.getMessage(), e));
            return reopenIfBroken(c);
        }
        for (int i = 0; i < batch.size(); i++) {
            Op<?> op = batch.get(i);
            if (op.error != null) {
                op.future.completeExceptionally(op.error);
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
        return c;
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
        closed = true;
        for (int i = 0; i < threads.size(); i++) queue.add(POISON);
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
