package dev.coxswain.core.store;

import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The rollups contract on the embedded store. */
class SqliteTaskRollupsTest extends TaskRollupsContract {
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
    protected int rollupMigration() {
        return 13;
    }
}
