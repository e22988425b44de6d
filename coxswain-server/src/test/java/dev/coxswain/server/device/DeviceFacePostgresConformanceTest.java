package dev.coxswain.server.device;

import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link DeviceFaceConformance} on PostgreSQL (a fresh database, dropped afterwards). */
class DeviceFacePostgresConformanceTest extends DeviceFaceConformance {
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
        if (srv != null) srv.close();
        srv = null;
        if (pg != null) pg.close();
    }
}
