package dev.coxswain.core.store;

import java.sql.SQLException;

/**
 * Something a caller adds to a service's write, run in the same transaction right after the
 * service has made what it makes: it commits or rolls back with it (an idempotency record is
 * written with the row it answers for). Like any op it may run again if its batch is replayed, so
 * it must not have effects outside the transaction.
 */
@FunctionalInterface
public interface InTx<T> {
    void accept(Tx tx, T made) throws SQLException;

    static <T> InTx<T> none() {
        return (tx, made) -> { };
    }
}
