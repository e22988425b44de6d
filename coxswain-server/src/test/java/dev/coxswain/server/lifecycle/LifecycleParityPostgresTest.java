package dev.coxswain.server.lifecycle;

import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link LifecycleParity} on PostgreSQL (a fresh database, dropped afterwards), against the same golden files. */
class LifecycleParityPostgresTest extends LifecycleParity {
    @TempDir
    static Path dir;
    static TestDatabases.PgDatabase pg;

    @BeforeAll
    static void start() {
        pg = TestDatabases.freshPostgres();
        startServer(dir, pg.url());
    }

    @AfterAll
    static void dropDatabase() {
        stopServer();
        if (pg != null) pg.close();
    }
}
