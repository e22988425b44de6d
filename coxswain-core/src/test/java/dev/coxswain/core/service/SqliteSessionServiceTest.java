package dev.coxswain.core.service;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteSessionServiceTest extends SessionServiceContract {
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
}
