package dev.coxswain.core.store;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** A write transaction's connection plus the actions to run once it has committed. */
public final class Tx {
    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();

    Tx(Connection connection) {
        this.connection = connection;
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
