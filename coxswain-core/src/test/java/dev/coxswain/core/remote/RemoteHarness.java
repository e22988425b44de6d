package dev.coxswain.core.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.engine.Backoff;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.engine.TaskTransitions;
import dev.coxswain.core.engine.WorkerLiveness;
import dev.coxswain.core.exec.ShellExecutor;
import dev.coxswain.core.node.Engine;
import dev.coxswain.core.node.EngineConfig;
import dev.coxswain.core.runtime.EngineObserver;
import dev.coxswain.core.runtime.Signal;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.EventStore;
import dev.coxswain.core.store.LogStore;
import dev.coxswain.core.store.SealedEnv;
import dev.coxswain.core.store.Sealer;
import dev.coxswain.core.store.TaskStore;
import dev.coxswain.core.store.WorkerStore;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.TestDatabases;
import dev.coxswain.core.webhook.WebhookSettings;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One store (SQLite file or fresh PostgreSQL database), a {@link MutableClock} only the test moves,
 * and an engine on them, for the remote-worker protocol below HTTP. Like the engine package's
 * harness: real-time duty loops are short, everything decided by time follows the clock.
 *
 * <p>Two ways to drive it: {@link #start} runs a whole engine (its remote dispatcher woken by the
 * engine's signals, its liveness, lease and timeout duties on their loops) and tests talk to
 * {@code engine.remote()}; {@link #manual} builds the same remote pieces on the store without
 * running any duty, so a test decides exactly when the dispatcher, the liveness check or the
 * timeout check makes a pass (no other duty can race them).
 */
public final class RemoteHarness implements AutoCloseable {
    public static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** Generous bound for anything asynchronous: the machine is small and shared. */
    public static final Duration WAIT = Duration.ofSeconds(30);
    /** How long "nothing happens" is watched: many passes of every duty loop (50–100 ms each). */
    public static final Duration QUIET = Duration.ofMillis(400);
    /** A long poll that is expected to be answered (real time; it returns as soon as a task is handed over). */
    public static final Duration POLL = Duration.ofSeconds(20);
    /** A long poll that is expected to come back empty. */
    public static final Duration SHORT_POLL = Duration.ofMillis(300);
    public static final String LOCAL = "worker-test";

    public final StoreKind kind;
    public final MutableClock clock = new MutableClock(T0);
    public final Database db;
    public final Path dir;
    private final TestDatabases.PgDatabase pg;
    private final List<Engine> engines = new ArrayList<>();
    public Engine engine;

    private RemoteHarness(StoreKind kind, Path dir, Database db, TestDatabases.PgDatabase pg) {
        this.kind = kind;
        this.dir = dir;
        this.db = db;
        this.pg = pg;
    }

    public static RemoteHarness open(StoreKind kind, Path dir) {
        if (kind == StoreKind.SQLITE) return new RemoteHarness(kind, dir, TestDatabases.sqlite(dir.resolve("db")), null);
        TestDatabases.PgDatabase pg = TestDatabases.freshPostgres();
        try {
            return new RemoteHarness(kind, dir, pg.open(), pg);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** Test settings: a long local lease (clock time), short real-time loops, default remote settings (TTL 60 s, grace 20 s). */
    public EngineConfig config() {
        return new EngineConfig(LOCAL, "test-host", "test", List.of("local"), 4, 16,
                Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofMillis(50),
                EngineConfig.DEFAULT_MAX_LOG_LINES, Duration.ofMillis(50), dir);
    }

    /** Builds (does not start) an engine; its local worker runs shell commands only. */
    public Engine build(UnaryOperator<EngineConfig> tweak) {
        return build(tweak, EngineObserver.NONE);
    }

    public Engine build(UnaryOperator<EngineConfig> tweak, EngineObserver observer) {
        engine = new Engine(db, tweak.apply(config()), List.of(new ShellExecutor()), clock, ZoneOffset.UTC,
                new SplittableRandom(42), observer, WebhookSettings.defaults());
        engines.add(engine);
        return engine;
    }

    public Engine start() {
        return start(UnaryOperator.identity());
    }

    public Engine start(UnaryOperator<EngineConfig> tweak) {
        build(tweak).start();
        return engine;
    }

    public RemoteWorkers remote() {
        return engine.remote();
    }

    public void advance(Duration d) {
        clock.advance(d);
    }

    public Instant now() {
        return clock.instant();
    }

    // ---- tasks -------------------------------------------------------------------------------

    /** A task of a skill only remote workers have, with the native API's defaults except max_retries 0. */
    public static Spec skill(String type, String name) {
        return new Spec(type, name);
    }

    public Task create(Spec s) {
        return engine.tasks().create(s.build());
    }

    public Task task(long id) {
        return engine.tasks().get(id);
    }

    public List<TaskLog> logs(long id) {
        return engine.tasks().logs(id, null, 0, 1_000_000).items();
    }

    public Task awaitStatus(long id, TaskStatus status) {
        return await("task-" + id + " to become " + status.wire()).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> task(id), t -> t.status() == status);
    }

    public Task awaitTask(long id, String what, Predicate<Task> p) {
        return await("task-" + id + ": " + what).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> task(id), p::test);
    }

    /** Asserts the condition holds the whole {@link #QUIET} period, watched in real time. */
    public void holds(long id, String what, Predicate<Task> p) {
        await("task-" + id + " to stay: " + what).during(QUIET).atMost(QUIET.plus(WAIT))
                .pollInterval(Duration.ofMillis(20)).until(() -> task(id), p::test);
    }

    /**
     * Events of this type, oldest first: {task_id, worker_id, data}. With a task, its history
     * (stored and derived from its row, see store.Lifecycle); without, the stored rows.
     */
    public List<String[]> events(String type, Long taskId) {
        if (taskId != null) {
            return db.read(c -> dev.coxswain.core.store.EventStore.history(c, taskId, 0, List.of(type), 10_000).stream()
                    .map(e -> new String[]{String.valueOf(taskId), e.workerId(), e.data()}).toList());
        }
        return db.read(c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT task_id, worker_id, data FROM events WHERE type = ?"
                    + (taskId == null ? "" : " AND task_id = ?") + " ORDER BY id")) {
                ps.setString(1, type);
                if (taskId != null) ps.setLong(2, taskId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            return out;
        });
    }

    /** How many events of this type name this worker. */
    public long workerEvents(String type, String workerId) {
        return events(type, null).stream().filter(e -> workerId.equals(e[1])).count();
    }

    public long countEvents() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM events");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    // ---- wire bodies -------------------------------------------------------------------------

    /** A registration as the SDK sends it (minus timestamp and signature, which the face checks). */
    public static ObjectNode registration(String workerId, String... skills) {
        ObjectNode b = Json.object();
        b.put("worker_id", workerId);
        b.put("worker_type", "cpu");
        ArrayNode s = b.putArray("supported_skills");
        for (String k : skills) s.addObject().put("name", k);
        b.putObject("capabilities").put("hostname", workerId + "-host");
        b.putObject("resources").put("max_concurrent_tasks", 10);
        return b;
    }

    public void register(String workerId, String... skills) {
        remote().register(workerId, registration(workerId, skills));
    }

    /** A long poll that must be answered with a task. */
    public ObjectNode poll(String workerId) {
        return poll(remote(), workerId);
    }

    public static ObjectNode poll(RemoteWorkers r, String workerId) {
        try {
            Optional<ObjectNode> got = r.poll(workerId, Set.of(), POLL);
            assertThat(got).as("a task for " + workerId).isPresent();
            return got.get();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A short long poll that must come back empty. */
    public void pollNothing(String workerId) {
        try {
            assertThat(remote().poll(workerId, Set.of(), SHORT_POLL)).as("no task for " + workerId).isEmpty();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A long poll running on its own virtual thread. */
    public static final class PendingPoll {
        final Thread thread;
        final CompletableFuture<Optional<ObjectNode>> result = new CompletableFuture<>();

        PendingPoll(RemoteWorkers r, String workerId, Duration timeout) {
            thread = Thread.ofVirtual().name("poll-" + workerId).start(() -> {
                try {
                    result.complete(r.poll(workerId, Set.of(), timeout));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        }

        /**
         * Waits until the poll is held: its thread is parked on the waiter's future, which
         * {@code poll} only waits on after the waiter was enqueued with the dispatcher.
         */
        public PendingPoll awaitHeld() {
            await("the poll to be held").atMost(WAIT).pollInterval(Duration.ofMillis(5))
                    .until(() -> thread.getState() == Thread.State.TIMED_WAITING && !result.isDone());
            return this;
        }

        public Optional<ObjectNode> get() {
            return await("the poll to return").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> result.isDone() ? result.join() : null, java.util.Objects::nonNull);
        }
    }

    public PendingPoll pollAsync(String workerId, Duration timeout) {
        return new PendingPoll(remote(), workerId, timeout);
    }

    public static ObjectNode result(ObjectNode payload) {
        ObjectNode b = Json.object();
        b.put("job_id", payload.get("job_id").asText());
        b.put("task_id", payload.get("task_id").asText());
        return b;
    }

    public static ObjectNode success(ObjectNode payload, JsonNode data) {
        ObjectNode b = result(payload);
        b.put("status", "success");
        b.set("data", data);
        return b;
    }

    public static ObjectNode failure(ObjectNode payload, String code, String message) {
        ObjectNode b = result(payload);
        b.put("status", "failure");
        ObjectNode e = b.putObject("error");
        if (code != null) e.put("code", code);
        e.put("message", message);
        return b;
    }

    public static ObjectNode event(ObjectNode payload, String type, ObjectNode eventPayload) {
        ObjectNode b = Json.object();
        b.put("event_type", type);
        b.put("target_task_id", payload.get("task_id").asText());
        b.put("target_job_id", payload.get("job_id").asText());
        b.set("payload", eventPayload);
        return b;
    }

    public static ObjectNode currentTasks(String... wireIds) {
        ObjectNode b = Json.object();
        b.put("status", "busy");
        ArrayNode a = b.putArray("current_tasks");
        for (String w : wireIds) a.add(w);
        return b;
    }

    public static long taskIdOf(ObjectNode payload) {
        return WireIds.parse(payload.get("task_id").asText()).taskId();
    }

    // ---- a remote stack driven by hand -------------------------------------------------------

    /**
     * The remote pieces Engine wires, built on this store and clock with no duty running: tasks
     * are created through an engine that is built but not started.
     */
    final class Manual {
        final TaskStore tasks = new TaskStore(db.dialect());
        final WorkerStore workers = new WorkerStore();
        final LogStore logs = new LogStore();
        final EventStore events = new EventStore();
        final TaskTransitions transitions = new TaskTransitions(tasks, logs, events, workers, new Backoff(new SplittableRandom(7)));
        final AtomicInteger requeued = new AtomicInteger();
        final AtomicInteger promoted = new AtomicInteger();
        final RemoteSettings settings = RemoteSettings.defaults();
        final RemoteDispatcher dispatcher;
        final RemoteWorkers remote;
        final RemoteChannels channels = new RemoteChannels(db, tasks);
        final RemoteTimeouts timeouts;
        final WorkerLiveness liveness;

        Manual(EngineObserver observer) {
            dispatcher = new RemoteDispatcher(db, tasks, workers, new dev.coxswain.core.store.DeviceStore(db.dialect()), transitions, clock, settings.ttl(), Duration.ofMillis(50),
                    observer, requeued::incrementAndGet, new Signal());
            remote = new RemoteWorkers(db, tasks, workers, new dev.coxswain.core.store.DeviceStore(db.dialect()), logs, events, transitions, dispatcher,
                    new RemoteWorkers.SealedEnvAccess(new SealedEnv(Sealer.NONE)), clock, settings,
                    EngineConfig.DEFAULT_MAX_LOG_LINES, observer, () -> { }, promoted::incrementAndGet);
            timeouts = new RemoteTimeouts(db, tasks, transitions, channels, clock, promoted::incrementAndGet, Duration.ofSeconds(1));
            liveness = new WorkerLiveness(db, workers, events, tasks, transitions, promoted::incrementAndGet, clock,
                    Duration.ofSeconds(1));
        }

        /** A poll answered by passes of the dispatcher this test makes. */
        ObjectNode poll(String workerId) {
            PendingPoll p = new PendingPoll(remote, workerId, POLL).awaitHeld();
            dispatcher.runOnce();
            Optional<ObjectNode> got = p.get();
            assertThat(got).as("a task for " + workerId).isPresent();
            return got.get();
        }

        /** Moves due pending tasks to queued, as the engine's promoter does. */
        int promote() {
            return db.write(tx -> tasks.promoteDue(tx, clock.instant()));
        }
    }

    /** Builds an engine (not started, for creating and reading tasks) and a remote stack driven by hand. */
    public Manual manual(EngineObserver observer) {
        build(UnaryOperator.identity());
        return new Manual(observer);
    }

    @Override
    public void close() {
        try {
            for (Engine e : engines) e.shutdown(Duration.ZERO);
        } finally {
            try {
                db.close();
            } finally {
                if (pg != null) pg.close();
            }
        }
    }

    /** A mutable NewTask builder: a skill task ({@code {"params": …, "requirements": …}}). */
    public static final class Spec {
        final String type;
        final String name;
        final ObjectNode payload = Json.object();
        int priority = 5;
        int maxRetries = 0;
        String backoff = Backoff.EXPONENTIAL;
        int timeoutSeconds = 3600;
        List<Long> deps = List.of();
        boolean checkpoint;

        Spec(String type, String name) {
            this.type = type;
            this.name = name;
            payload.putObject("params");
        }

        Spec param(String key, long value) {
            ((ObjectNode) payload.get("params")).put(key, value);
            return this;
        }

        Spec param(String key, String value) {
            ((ObjectNode) payload.get("params")).put(key, value);
            return this;
        }

        Spec requirements(String json) {
            payload.set("requirements", Json.read(json));
            return this;
        }

        /** A shell task (the local worker's type) instead of a skill task. */
        Spec command(String command) {
            payload.remove("params");
            payload.put("command", command);
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

        String owner;
        Integer ownerLimit;

        /** A device task: {@code requirements.device}. */
        Spec device(String serial) {
            payload.putObject("requirements").put("device", serial);
            return this;
        }

        Spec owner(String principal, Integer limit) {
            owner = principal;
            ownerLimit = limit;
            return this;
        }

        NewTask build() {
            return new NewTask(type, name, null, payload, priority, maxRetries, backoff, null, timeoutSeconds,
                    List.of(), deps, checkpoint, null, null, owner, ownerLimit);
        }
    }
}
