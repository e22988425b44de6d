package dev.coxswain.core.store;

import java.sql.SQLException;

/** One unit of work inside a write transaction. Must not have side effects outside the database;
 * register those with {@link Tx#afterCommit} so they run only once the write is durable. */
@FunctionalInterface
public interface TxFunction<T> {
    T apply(Tx tx) throws SQLException;
}
