package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One op's view of a write transaction: the connection, the actions to run once it has
 * committed, what to write just before it commits, and a memo shared by all ops of the same
 * group commit.
 */
public final class Tx {
    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final Map<Object, BeforeCommit> beforeCommit = new LinkedHashMap<>();
    private final Map<Object, Object> memo;

    /** @param memo shared by the ops of one transaction; the committer clears it when an op is rolled back */
    Tx(Connection connection, Map<Object, Object> memo) {
        this.connection = connection;
        this.memo = memo;
    }

    /** Computes something at most once per transaction (e.g. a small lookup every op would repeat). */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object key, SqlSupplier<T> load) throws SQLException {
        Object v = memo.get(key);
        if (v == null) {
            v = load.get();
            memo.put(key, v);
        }
        return (T) v;
    }

    /** Drops a memo entry: the caller changed what it was computed from. */
    public void forget(Object key) {
        memo.remove(key);
    }

    /** A lookup that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    public Connection connection() {
        return connection;
    }

    public void afterCommit(Runnable r) {
        afterCommit.add(r);
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    /**
     * Writes that this op adds to, made once for the whole transaction just before it commits:
     * the committer merges the ones of all ops that applied (same key) and writes them once, so
     * a batch of many ops costs one write and not one per op. An op that is rolled back takes
     * its own with it.
     *
     * @param key    what the writes are (the same for every op that adds to them)
     * @param create makes this op's (empty) accumulator the first time it is asked for
     */
    @SuppressWarnings("unchecked")
    public <T extends BeforeCommit> T beforeCommit(Object key, java.util.function.Supplier<T> create) {
        return (T) beforeCommit.computeIfAbsent(key, k -> create.get());
    }

    Map<Object, BeforeCommit> beforeCommitWrites() {
        return beforeCommit;
    }

    /** What ops of one transaction accumulate and the committer writes once before the commit. */
    public interface BeforeCommit {
        /** Adds what {@code later} holds: the same key's accumulator of a later op of the same transaction. */
        void absorb(BeforeCommit later);

        /**
         * Writes what was accumulated, inside the transaction.
         *
         * @param writer the committing writer thread's number (0 … writers − 1): two writers
         *               never run at once under the same number
         */
        void write(Connection c, int writer) throws SQLException;
    }
}
