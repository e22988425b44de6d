package dev.coxswain.core.engine;

import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.exec.TaskExecutor;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.webhook.WebhookSettings;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.RollupCheck;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * One store (a SQLite file in a temp dir, or a fresh PostgreSQL database), a {@link MutableClock}
 * that only the test moves, and engines built on them. The duties' real-time loop intervals are
 * short so tests react fast; everything the engine decides by time (backoff, scheduled_at, lease
 * expiry, timeouts, liveness) follows the mutable clock.
 */
final class EngineHarness implements AutoCloseable {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** Generous bound for anything asynchronous: the machine is small and shared. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** How long "nothing happens" is watched: many passes of every duty loop (50–100 ms each). */
    static final Duration QUIET = Duration.ofMillis(400);
    static final String WORKER_ID = "worker-test";

    final StoreKind kind;
    final MutableClock clock = new MutableClock(T0);
    final Database db;
    final Path dir;
    final ShellExecutor shell = new ShellExecutor();
    final ScriptedExecutor script = new ScriptedExecutor("script");
    final BlockingExecutor block = new BlockingExecutor("block");
    /** Like {@link #block} but its attempts ignore stops: they end only when released. */
    final BlockingExecutor stubborn = new BlockingExecutor("stubborn", true);
    private final TestDatabases.PgDatabase pg;
    private final List<Engine> engines = new ArrayList<>();
    /** The engine built by {@link #start}; tests that build more keep their own references. */
    Engine engine;

    private EngineHarness(StoreKind kind, Path dir, Database db, TestDatabases.PgDatabase pg) {
        this.kind = kind;
        this.dir = dir;
        this.db = db;
        this.pg = pg;
    }

    static EngineHarness open(StoreKind kind, Path dir) {
        if (kind == StoreKind.SQLITE) return new EngineHarness(kind, dir, TestDatabases.sqlite(dir.resolve("db")), null);
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        try {
            return new EngineHarness(kind, dir, pg.open(), pg);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** Test settings: a long lease (clock time), short real-time loops. */
    EngineConfig config() {
        return config(WORKER_ID);
    }

    EngineConfig config(String workerId) {
        return new EngineConfig(workerId, "test-host", "test", List.of("local"), 4, 16,
                Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofMillis(50),
                EngineConfig.DEFAULT_MAX_LOG_LINES, Duration.ofMillis(50), dir);
    }

    List<TaskExecutor> executors() {
        return List.of(shell, script, block, stubborn);
    }

    /** Builds (does not start) an engine on this store and clock; closed with the harness. */
    Engine engine(EngineConfig cfg, RandomGenerator random, Collection<TaskExecutor> executors) {
        return engine(cfg, random, executors, EngineObserver.NONE);
    }

    Engine engine(EngineConfig cfg, RandomGenerator random, Collection<TaskExecutor> executors, EngineObserver observer) {
        Engine e = new Engine(db, cfg, executors, clock, ZoneOffset.UTC, random, observer, WebhookSettings.defaults());
        engines.add(e);
        return e;
    }

    Engine build(UnaryOperator<EngineConfig> tweak) {
        engine = engine(tweak.apply(config()), new SplittableRandom(42), executors());
        return engine;
    }

    Engine start() {
        return start(UnaryOperator.identity());
    }

    Engine start(UnaryOperator<EngineConfig> tweak) {
        build(tweak).start();
        return engine;
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    Instant now() {
        return clock.instant();
    }

    Task create(Spec s) {
        return engine.tasks().create(s.build());
    }

    Task task(long id) {
        return engine.tasks().get(id);
    }

    List<TaskLog> logs(long id) {
        return engine.tasks().logs(id, null, 0, 1_000_000).items();
    }

    /** Waits (real time) until the task is in {@code status}; returns it as then read. */
    Task awaitStatus(long id, TaskStatus status) {
        return await("task-" + id + " to become " + status.wire()).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> task(id), t -> t.status() == status);
    }

    Task awaitTask(long id, String what, Predicate<Task> p) {
        return await("task-" + id + ": " + what).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> task(id), p::test);
    }

    /** Asserts the condition holds the whole {@link #QUIET} period, watched in real time. */
    void holds(long id, String what, Predicate<Task> p) {
        await("task-" + id + " to stay: " + what).during(QUIET).atMost(QUIET.plus(WAIT))
                .pollInterval(Duration.ofMillis(20)).until(() -> task(id), p::test);
    }

    /**
     * Stops the engines, then checks that the rollups the store kept through everything the test
     * did equal the tasks it left (every engine test is also a test of TaskRollups).
     */
    @Override
    public void close() {
        try {
            for (Engine e : engines) e.shutdown(Duration.ZERO);
            RollupCheck.assertEqualToTheTasks(db);
        } finally {
            try {
                db.close();
            } finally {
                if (pg != null) pg.close();
            }
        }
    }

    // ---- task specs ----------------------------------------------------------------------

    static Spec script(String name) {
        return new Spec("script", name);
    }

    static Spec block(String name) {
        return new Spec("block", name);
    }

    static Spec shell(String name, String command) {
        Spec s = new Spec("shell", name);
        s.payload.put("command", command);
        return s;
    }

    /** A mutable NewTask builder with the native API's defaults, except max_retries 0. */
    static final class Spec {
        final String type;
        final String name;
        final ObjectNode payload = Json.object();
        int priority = 5;
        int maxRetries = 0;
        String backoff = Backoff.EXPONENTIAL;
        Instant scheduledAt;
        int timeoutSeconds = 3600;
        List<Long> deps = List.of();
        boolean checkpoint;

        Spec(String type, String name) {
            this.type = type;
            this.name = name;
        }

        Spec payload(String key, long value) {
            payload.put(key, value);
            return this;
        }

        Spec priority(int p) {
            priority = p;
            return this;
        }

        Spec maxRetries(int n) {
            maxRetries = n;
            return this;
        }

        Spec backoff(String rule) {
            backoff = rule;
            return this;
        }

        Spec scheduledAt(Instant t) {
            scheduledAt = t;
            return this;
        }

        Spec timeout(int seconds) {
            timeoutSeconds = seconds;
            return this;
        }

        Spec dependsOn(Long... ids) {
            deps = List.of(ids);
            return this;
        }

        Spec checkpoint(boolean on) {
            checkpoint = on;
            return this;
        }

        NewTask build() {
            return new NewTask(type, name, null, payload, priority, maxRetries, backoff, scheduledAt, timeoutSeconds,
                    List.of(), deps, checkpoint, null, null);
        }
    }
}
