package dev.coxswain.core.store;

import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded store: a SQLite file in a data directory of its own per test. */
class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected Database open() {
        return TestDatabases.sqlite(dataDir);
    }

    @Override
    protected void cleanup() {
        // @TempDir removes the data directory.
    }

    @Override
    protected int writerThreads() {
        return 1; // Database.sqlite: one writer connection
    }

    @Override
    protected boolean multiNode() {
        return false;
    }
}
