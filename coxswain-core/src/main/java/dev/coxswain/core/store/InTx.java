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

    /** This, then {@code next}, in the same transaction. */
    default InTx<T> andThen(InTx<? super T> next) {
        return (tx, made) -> {
            accept(tx, made);
            next.accept(tx, made);
        };
    }

    static <T> InTx<T> none() {
        return (tx, made) -> { };
    }
}
