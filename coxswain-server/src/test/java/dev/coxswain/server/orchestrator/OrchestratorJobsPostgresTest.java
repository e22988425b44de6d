package dev.coxswain.server.orchestrator;

import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Every test of {@link OrchestratorJobsTest} on the PostgreSQL store (its own fresh database). */
class OrchestratorJobsPostgresTest extends OrchestratorJobsTest {
    @TempDir
    static Path pgDir;
    static TestDatabases.PgDatabase pg;

    @BeforeAll
    static void start() {
        pg = TestDatabases.freshPostgres();
        prepare(OrchestratorServer.start(pgDir, pg.url(), false, Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        if (srv != null) srv.close();
        if (pg != null) pg.close();
    }
}
