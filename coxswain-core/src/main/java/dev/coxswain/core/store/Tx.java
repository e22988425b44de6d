package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One op's view of a write transaction: the connection, the actions to run once it has
 * committed, and a memo shared by all ops of the same group commit.
 */
public final class Tx {
    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();
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
}
