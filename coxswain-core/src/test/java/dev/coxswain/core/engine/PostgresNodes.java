package dev.coxswain.core.engine;

import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Several nodes on one fresh PostgreSQL database, as the cluster tests need them: each node has
 * its own {@link Database} (pool and bus), wall-clock time, and polls and heartbeats only once a
 * minute, so whatever a test sees within seconds came through the cluster, not a fallback.
 * Closing shuts the nodes down in reverse order and drops the database.
 */
final class PostgresNodes implements AutoCloseable {
    static final Duration SLOW = Duration.ofMinutes(1);

    private final TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
    private final Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    PostgresNodes(Path dir) {
        this.dir = dir;
    }

    /** The JDBC URL of the shared database, for a test's own sessions. */
    String url() {
        return pg.url();
    }

    /** A node, built but not started, whose leases last {@code lease}. */
    Engine node(String workerId, Duration lease, TaskExecutor... executors) {
        Database db = pg.open();
        open.add(db);
        EngineConfig cfg = new EngineConfig(workerId, "test-host", "test", List.of("local"), 4, 16,
                lease, SLOW, Duration.ofMinutes(5), SLOW, EngineConfig.DEFAULT_MAX_LOG_LINES, Duration.ofMillis(50), dir);
        Engine e = new Engine(db, cfg, List.of(executors), Clock.systemUTC(), ZoneOffset.UTC, new SplittableRandom(7));
        open.add(() -> e.shutdown(Duration.ZERO));
        return e;
    }

    /** Closed with the nodes (before them): a test's own sessions. */
    <T extends AutoCloseable> T closeLater(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        pg.close();
    }
}
