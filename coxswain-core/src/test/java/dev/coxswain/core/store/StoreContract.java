package dev.coxswain.core.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Principal;
import dev.coxswain.core.domain.Tier;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskLog;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskSort;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.service.ApiKeyService;
import dev.coxswain.core.store.EventStore.Event;
import dev.coxswain.core.store.LogStore.Line;
import dev.coxswain.core.testing.MutableClock;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store contract: every behaviour of the store classes that the engine and the services rely
 * on, run unchanged against each database (DESIGN.md §5: "one store contract test suite runs
 * against both"). A subclass says how to open a {@link Database} on a store of its kind; each test
 * gets a new, empty store.
 *
 * <p>Times are fixed instants passed in; nothing here sleeps. Waiting for other threads uses
 * latches, or awaitility where only a thread's state can tell.
 */
@Timeout(value = 120, unit = SECONDS)
abstract class StoreContract {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final List<String> SHELL = List.of("shell");

    /**
     * Opens a Database on this test's store: the first call of a test finds it empty (and migrates
     * it); every further call opens another node on the same store.
     */
    protected abstract Database open();

    /** Releases this test's store; called after each test, once every Database it opened is closed. */
    protected abstract void cleanup();

    /** Writer threads (connections) of each Database this class opens. */
    protected abstract int writerThreads();

    /** Whether several Databases (cluster nodes) may use one store at the same time. */
    protected abstract boolean multiNode();

    private final List<Database> opened = new CopyOnWriteArrayList<>();
    protected Database db;
    protected TaskStore tasks;
    protected final LogStore logs = new LogStore();
    protected final EventStore events = new EventStore();
    protected final WorkerStore workers = new WorkerStore();
    protected final ApiKeyStore keys = new ApiKeyStore();

    @BeforeEach
    void openStore() {
        db = node();
        tasks = new TaskStore(db.dialect());
    }

    @AfterEach
    void closeStore() {
        try {
            for (Database d : opened) d.close();
        } finally {
            opened.clear();
            cleanup();
        }
    }

    /** Opens another node on this test's store, closed after the test. */
    protected Database node() {
        Database d = open();
        opened.add(d);
        return d;
    }

    // ---- helpers -----------------------------------------------------------------------------

    static NewTask nt(String type, int priority) {
        return new NewTask(type, "task-" + type, null, Json.object(), priority, 0, "exponential", null, 300,
                List.of(), List.of(), false, null, null);
    }

    static NewTask named(String name, int priority, List<String> tags) {
        return new NewTask("shell", name, null, Json.object(), priority, 0, "exponential", null, 300,
                tags, List.of(), false, null, null);
    }

    static NewTask dependingOn(List<Long> deps) {
        return new NewTask("shell", "dependent", null, Json.object(), 5, 0, "exponential", null, 300,
                List.of(), deps, false, null, null);
    }

    long insert(NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now) {
        return db.write(tx -> tasks.insert(tx, t, status, runAt, depsPending, now));
    }

    long queued(String type, int priority, Instant now) {
        return insert(nt(type, priority), TaskStatus.QUEUED, now, 0, now);
    }

    Task find(long id) {
        return db.read(c -> tasks.find(c, id));
    }

    List<Task> claim(String worker, Collection<String> types, int limit, Instant now, Instant leaseUntil) {
        return db.write(tx -> tasks.claim(tx, worker, types, limit, now, leaseUntil));
    }

    boolean update(long id, Map<String, Object> sets, TaskStatus expect) {
        return db.write(tx -> tasks.update(tx, id, sets, expect));
    }

    /** An ordered column → value map that, unlike Map.of, takes nulls. */
    static Map<String, Object> sets(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** What the lease reaper and a retry do to a lost attempt, in short: back to the queue. */
    void requeue(long id, Instant now) {
        assertThat(update(id, sets("status", TaskStatus.QUEUED, "worker_id", null, "lease_until", null,
                "updated_at", now), TaskStatus.RUNNING)).isTrue();
    }

    long depsPending(long id) {
        return db.read(c -> Sql.count(c, "SELECT deps_pending FROM tasks WHERE id = ?", id));
    }

    long count(String sql, Object... args) {
        return db.read(c -> Sql.count(c, sql, args));
    }

    static List<Long> ids(Collection<Task> ts) {
        return ts.stream().map(Task::id).toList();
    }

    static Completion success(Task t, String worker, Instant finishedAt) {
        return new Completion(t.id(), t.attempt(), worker, Completion.Outcome.RESULT,
                ExecutionResult.ok(0, "out-" + t.id()), t.startedAt(), finishedAt);
    }

    static Completion success(long id, int attempt, String worker, Instant finishedAt) {
        return new Completion(id, attempt, worker, Completion.Outcome.RESULT, ExecutionResult.ok(0, "out-" + id),
                finishedAt, finishedAt);
    }

    boolean[] complete(List<Completion> done) {
        return db.write(tx -> tasks.completeAll(tx, done));
    }

    static TaskQuery query(Set<TaskStatus> statuses, String tag, String workerId, TaskSort sort, boolean asc,
                           int offset, int limit) {
        return new TaskQuery(statuses, tag, workerId, sort, asc, offset, limit);
    }

    static TaskQuery all(TaskSort sort, boolean asc) {
        return query(Set.of(), null, null, sort, asc, 0, 1000);
    }

    Page<Task> list(TaskQuery q) {
        return db.read(c -> tasks.list(c, q));
    }

    void event(String type, Tx tx) throws SQLException {
        events.append(tx, List.of(new Event(T0.toEpochMilli(), type, null, null, null)));
    }

    long events(String type) {
        return db.read(c -> events.count(c, type));
    }

    /** The migration files of this dialect on the classpath: V1 … Vn, without gaps. */
    int migrationCount() {
        int n = 0;
        while (getClass().getClassLoader().getResource("db/" + db.dialect().name() + "/V" + (n + 1) + ".sql") != null) n++;
        return n;
    }

    Map<Integer, Long> schemaVersions(Database d) {
        return d.read(c -> {
            Map<Integer, Long> out = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version, applied_at FROM schema_version ORDER BY version")) {
                while (rs.next()) out.put(rs.getInt(1), rs.getLong(2));
            }
            return out;
        });
    }

    /** Every table the migrations create (a new migration's tables go here); schema_version last. */
    static final List<String> TABLES = List.of("tasks", "task_deps", "task_tags", "task_logs", "events", "workers",
            "api_keys", "webhooks", "webhook_events", "webhook_deliveries", "schedules", "connections", "attempt_processes", "idempotency_keys", "store_markers", "worker_tokens", "blueprints", "jobs", "job_history", "server_secrets", "devices", "ui_sessions", "task_counts", "task_finished", "schema_version");

    // ---- migrations --------------------------------------------------------------------------

    @Test
    void applyEveryVersionOnceAndRecordIt() {
        int n = migrationCount();
        assertThat(n).as("migrations on the classpath").isGreaterThanOrEqualTo(1);
        assertThat(schemaVersions(db).keySet()).containsExactlyElementsOf(IntStream.rangeClosed(1, n).boxed().toList());
        for (String table : TABLES.subList(0, TABLES.size() - 1)) {
            assertThat(count("SELECT COUNT(*) FROM " + table)).as(table).isZero();
        }
        assertThat(db.healthy()).isTrue();
    }

    @Test
    void reopeningTheSameStoreIsIdempotentAndKeepsData() {
        long id = queued("shell", 5, T0);
        Map<Integer, Long> before = schemaVersions(db);

        // A second node on the store while the first is open, then a restart.
        Database second = node();
        assertThat(schemaVersions(second)).isEqualTo(before);
        assertThat(second.<Task>read(c -> new TaskStore(second.dialect()).find(c, id))).isNotNull();
        second.close();
        db.close();
        db = node();

        assertThat(schemaVersions(db)).as("nothing re-applied").isEqualTo(before);
        assertThat(find(id).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
        // and the reopened store is fully usable
        assertThat(claim("w", SHELL, 1, T0, T0.plusSeconds(30))).extracting(Task::id).containsExactly(id);
    }

    @Test
    void nodesStartingTogetherMigrateOnce() throws Exception {
        Assumptions.assumeTrue(multiNode(), "only a cluster store has several nodes starting at once");
        // Back to an empty database: no tables at all, as on first start-up.
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                for (String t : TABLES) s.execute("DROP TABLE IF EXISTS " + t);
            }
            return null;
        });
        db.close();
        int nodes = 6;
        for (int round = 0; round < 3; round++) {
            if (round > 0) {
                Database d = node();
                d.write(tx -> {
                    try (Statement s = tx.connection().createStatement()) {
                        for (String t : TABLES) s.execute("DROP TABLE IF EXISTS " + t);
                    }
                    return null;
                });
                d.close();
            }
            CyclicBarrier start = new CyclicBarrier(nodes);
            ExecutorService pool = Executors.newFixedThreadPool(nodes);
            try {
                List<Future<Database>> fs = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    fs.add(pool.submit(() -> {
                        start.await();
                        return node();
                    }));
                }
                List<Database> started = new ArrayList<>();
                List<Throwable> errors = new ArrayList<>();
                for (Future<Database> f : fs) {
                    try {
                        started.add(f.get(60, SECONDS));
                    } catch (ExecutionException e) {
                        errors.add(e.getCause());
                    }
                }
                assertThat(errors).as("round %d: every node starts", round).isEmpty();
                db = started.get(0);
                assertThat(schemaVersions(db).keySet())
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, migrationCount()).boxed().toList());
                for (Database d : started) d.close();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- tasks: insert and find --------------------------------------------------------------

    @Test
    void everyFieldRoundTrips() {
        long d1 = queued("shell", 5, T0);
        long d2 = queued("shell", 5, T0);
        ObjectNode payload = Json.object();
        payload.put("command", "echo \"hi\" && printf '%s\\n' $HOME");
        payload.put("int", 42);
        payload.put("long", 9_007_199_254_740_993L);
        payload.put("double", 3.5);
        payload.put("bool", true);
        payload.putNull("nothing");
        payload.putArray("list").add(1).add("two").add(false);
        payload.putObject("nested").put("ünïcødé", "✓ 日本語").putObject("deeper").put("k", "v");
        Instant scheduled = T0.plusSeconds(3600).plusMillis(123);
        Instant now = T0.plusMillis(7);
        List<String> tags = List.of("zeta", "alpha", "env:prod");
        NewTask nt = new NewTask("pg.config_check", "round trip", "a description", payload, 7, 3, "fixed:5s",
                scheduled, 900, tags, List.of(d2, d1), true, "schedule", "sched-9");

        long id = insert(nt, TaskStatus.PENDING, scheduled, 2, now);

        Task expected = new Task(id, "pg.config_check", "round trip", "a description", payload,
                TaskStatus.PENDING, 7, scheduled, scheduled, now, now, null, null, 0, 3, "fixed:5s", 0, 900,
                tags, List.of(d1, d2), null, null, null, null, null, true, null, 1, "schedule", "sched-9");
        Task got = find(id);
        assertThat(got).isEqualTo(expected);
        assertThat(got.payload()).isEqualTo(payload);
        assertThat(got.payload().get("long").asLong()).isEqualTo(9_007_199_254_740_993L);
        assertThat(depsPending(id)).isEqualTo(2);
        assertThat(db.<Map<Long, List<Long>>>read(c -> tasks.dependencies(c, List.of(id, d1)))).isEqualTo(Map.of(id, List.of(d1, d2)));
    }

    @Test
    void minimalTaskRoundTripsWithNullsAndEmpties() {
        NewTask nt = new NewTask("shell", "minimal", null, Json.object(), 1, 0, "exponential", null, 0,
                List.of(), List.of(), false, null, null);
        long id = insert(nt, TaskStatus.QUEUED, T0, 0, T0);
        Task got = find(id);
        assertThat(got).isEqualTo(new Task(id, "shell", "minimal", null, Json.object(), TaskStatus.QUEUED, 1,
                T0, null, T0, T0, null, null, 0, 0, "exponential", 0, 0, List.of(), List.of(), null, null,
                null, null, null, false, null, 1, null, null));
    }

    @Test
    void idsAreUniqueAndIncreasing() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) ids.add(queued("shell", 5, T0));
        assertThat(ids).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void findOfAnUnknownIdIsNull() {
        assertThat(find(987_654)).isNull();
    }

    @Test
    void updatedColumnsRoundTripIncludingCheckpointAndExitCodes() {
        long id = queued("shell", 5, T0);
        ObjectNode checkpoint = Json.object();
        checkpoint.put("step", 3);
        checkpoint.putArray("done").add("a").add("b");
        Instant later = T0.plusSeconds(5);
        assertThat(update(id, sets("checkpoint_data", checkpoint, "result", "stdout text", "error", "boom",
                "exit_code", 0, "started_at", T0.plusSeconds(1), "completed_at", later, "retry_count", 2,
                "updated_at", later), null)).isTrue();
        Task t = find(id);
        assertThat(t.checkpointData()).isEqualTo(checkpoint);
        assertThat(t.result()).isEqualTo("stdout text");
        assertThat(t.error()).isEqualTo("boom");
        assertThat(t.exitCode()).as("0 is not null").isEqualTo(0);
        assertThat(t.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(t.completedAt()).isEqualTo(later);
        assertThat(t.retryCount()).isEqualTo(2);
        assertThat(t.updatedAt()).isEqualTo(later);

        assertThat(update(id, sets("exit_code", 137, "error", null, "checkpoint_data", null), null)).isTrue();
        t = find(id);
        assertThat(t.exitCode()).isEqualTo(137);
        assertThat(t.error()).isNull();
        assertThat(t.checkpointData()).isNull();
        assertThat(update(id, sets("exit_code", null), null)).isTrue();
        assertThat(find(id).exitCode()).isNull();
    }

    @Test
    void guardedUpdateAppliesOnlyInTheExpectedStatus() {
        long id = queued("shell", 5, T0);
        assertThat(update(id, sets("name", "renamed"), TaskStatus.PENDING)).isFalse();
        assertThat(find(id).name()).isEqualTo("task-shell");
        assertThat(update(id, sets("name", "renamed"), TaskStatus.QUEUED)).isTrue();
        assertThat(find(id).name()).isEqualTo("renamed");
        assertThat(update(424_242, sets("name", "x"), null)).as("unknown id").isFalse();
    }

    @Test
    void replaceTagsAndDepsAndDelete() {
        long a = queued("shell", 5, T0);
        long b = queued("shell", 5, T0);
        long id = insert(named("t", 5, List.of("old", "shared")), TaskStatus.QUEUED, T0, 0, T0);
        db.write(tx -> {
            tasks.replaceTags(tx, id, List.of("shared", "new"));
            tasks.replaceDeps(tx, id, List.of(b, a));
            return null;
        });
        Task t = find(id);
        assertThat(t.tags()).containsExactly("shared", "new");
        assertThat(t.dependencies()).containsExactlyInAnyOrder(a, b);
        assertThat(ids(list(query(Set.of(), "old", null, TaskSort.ID, true, 0, 10)).items())).isEmpty();
        assertThat(ids(list(query(Set.of(), "new", null, TaskSort.ID, true, 0, 10)).items())).containsExactly(id);

        db.write(tx -> {
            logs.append(tx, List.of(new Line(id, T0.toEpochMilli(), LogLevel.INFO, "x")));
            tasks.delete(tx, id);
            return null;
        });
        assertThat(find(id)).isNull();
        assertThat(count("SELECT COUNT(*) FROM task_deps WHERE task_id = ?", id)).isZero();
        assertThat(count("SELECT COUNT(*) FROM task_tags WHERE task_id = ?", id)).isZero();
        assertThat(count("SELECT COUNT(*) FROM task_logs WHERE task_id = ?", id)).isZero();
        assertThat(find(a)).isNotNull();

        // Output still buffered when a running task was deleted arrives afterwards: it is dropped.
        db.write(tx -> {
            logs.appendBuffered(tx, List.of(new Line(id, T0.toEpochMilli(), LogLevel.INFO, "late"),
                    new Line(a, T0.toEpochMilli(), LogLevel.INFO, "kept")));
            return null;
        });
        assertThat(count("SELECT COUNT(*) FROM task_logs WHERE task_id = ?", id)).isZero();
        assertThat(count("SELECT COUNT(*) FROM task_logs WHERE task_id = ?", a)).isEqualTo(1);
    }

    @Test
    void statusesOfSomeTasksAndMissingIdsAbsent() {
        long q = queued("shell", 5, T0);
        long p = insert(nt("shell", 5), TaskStatus.PENDING, T0.plusSeconds(60), 0, T0);
        Map<Long, TaskStatus> m = db.read(c -> tasks.statuses(c, List.of(q, p, 99_999L), false));
        assertThat(m).isEqualTo(Map.of(q, TaskStatus.QUEUED, p, TaskStatus.PENDING));
        assertThat(db.<Map<Long, TaskStatus>>write(tx -> tasks.statuses(tx.connection(), List.of(q), true))).isEqualTo(Map.of(q, TaskStatus.QUEUED));
        assertThat(db.<Map<Long, TaskStatus>>read(c -> tasks.statuses(c, List.of(), false))).isEmpty();
        assertThat(db.write(tx -> tasks.findForUpdate(tx, q)).id()).isEqualTo(q);
    }

    // ---- claims ------------------------------------------------------------------------------

    @Test
    void higherPriorityFirstThenOldestFirst() {
        long p5a = queued("shell", 5, T0);
        long p10a = queued("shell", 10, T0.plusMillis(1));
        long p5b = queued("shell", 5, T0.plusMillis(2));
        long p1 = queued("shell", 1, T0.plusMillis(3));
        long p10b = queued("shell", 10, T0.plusMillis(4));
        long p7 = queued("shell", 7, T0.plusMillis(5));
        Instant now = T0.plusSeconds(1);

        // Which tasks a small batch takes is decided by the queue order, not only how they are returned.
        assertThat(ids(claim("w", SHELL, 2, now, now.plusSeconds(30)))).containsExactly(p10a, p10b);
        assertThat(ids(claim("w", SHELL, 1, now, now.plusSeconds(30)))).containsExactly(p7);
        assertThat(ids(claim("w", SHELL, 10, now, now.plusSeconds(30)))).containsExactly(p5a, p5b, p1);
    }

    @Test
    void aBatchIsReturnedInQueueOrder() {
        List<Long> expected = new ArrayList<>();
        long low = queued("shell", 2, T0);
        long hi1 = queued("shell", 9, T0);
        long mid = queued("shell", 5, T0);
        long hi2 = queued("shell", 9, T0);
        expected.addAll(List.of(hi1, hi2, mid, low));
        assertThat(ids(claim("w", SHELL, 10, T0, T0.plusSeconds(30)))).containsExactlyElementsOf(expected);
    }

    @Test
    void aTaskIsNotClaimableBeforeItsRunAt() {
        Instant runAt = T0.plusSeconds(60);
        long id = insert(nt("shell", 10), TaskStatus.PENDING, runAt, 0, T0);
        assertThat(claim("w", SHELL, 10, T0, T0.plusSeconds(30))).isEmpty();

        Instant justBefore = runAt.minusMillis(1);
        assertThat(db.<Integer>write(tx -> tasks.promoteDue(tx, justBefore))).isZero();
        assertThat(claim("w", SHELL, 10, justBefore, justBefore.plusSeconds(30))).isEmpty();
        assertThat(find(id).status()).isEqualTo(TaskStatus.PENDING);

        assertThat(db.<Integer>write(tx -> tasks.promoteDue(tx, runAt))).isEqualTo(1);
        assertThat(ids(claim("w", SHELL, 10, runAt, runAt.plusSeconds(30)))).containsExactly(id);
    }

    @Test
    void batchLimit() {
        for (int i = 0; i < 10; i++) queued("shell", 5, T0);
        assertThat(claim("w", SHELL, 3, T0, T0.plusSeconds(30))).hasSize(3);
        assertThat(claim("w", SHELL, 1, T0, T0.plusSeconds(30))).hasSize(1);
        assertThat(claim("w", SHELL, 100, T0, T0.plusSeconds(30))).hasSize(6);
        assertThat(claim("w", SHELL, 100, T0, T0.plusSeconds(30))).isEmpty();
        assertThat(db.<Map<TaskStatus, Long>>read(c -> tasks.countByStatus(c))).isEqualTo(Map.of(TaskStatus.RUNNING, 10L));
    }

    @Test
    void onlyQueuedTasksOfTheGivenTypes() {
        long shell = queued("shell", 5, T0);
        long http1 = queued("http", 5, T0);
        long pg = queued("pg.config_check", 5, T0);
        long http2 = queued("http", 5, T0);
        insert(nt("http", 10), TaskStatus.PENDING, T0, 0, T0);
        long done = insert(nt("http", 10), TaskStatus.COMPLETED, T0, 0, T0);
        long cancelled = insert(nt("http", 10), TaskStatus.CANCELLED, T0, 0, T0);

        List<Task> got = claim("w", List.of("http", "pg.config_check"), 10, T0, T0.plusSeconds(30));
        assertThat(ids(got)).containsExactly(http1, pg, http2);
        assertThat(find(shell).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(find(done).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(find(cancelled).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(claim("w", List.of("nothing-of-this-type"), 10, T0, T0.plusSeconds(30))).isEmpty();
        assertThat(ids(claim("w", SHELL, 10, T0, T0.plusSeconds(30)))).containsExactly(shell);
    }

    @Test
    void claimSetsRunningWorkerLeaseAndBumpsAttempt() {
        long id = queued("shell", 5, T0);
        Instant now = T0.plusSeconds(10);
        Instant lease = now.plusSeconds(30);

        Task t = claim("worker-a", SHELL, 5, now, lease).get(0);
        for (Task x : List.of(t, find(id))) {
            assertThat(x.id()).isEqualTo(id);
            assertThat(x.status()).isEqualTo(TaskStatus.RUNNING);
            assertThat(x.workerId()).isEqualTo("worker-a");
            assertThat(x.leaseUntil()).isEqualTo(lease);
            assertThat(x.startedAt()).isEqualTo(now);
            assertThat(x.updatedAt()).isEqualTo(now);
            assertThat(x.attempt()).isEqualTo(1);
            assertThat(x.logCount()).as("the 'started' line is counted").isEqualTo(2);
            assertThat(x.createdAt()).isEqualTo(T0);
        }
        assertThat(db.<List<Long>>read(c -> tasks.runningIds(c, "worker-a"))).containsExactly(id);

        Instant later = now.plusSeconds(60);
        requeue(id, later);
        Task again = claim("worker-b", SHELL, 5, later, later.plusSeconds(30)).get(0);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.workerId()).isEqualTo("worker-b");
        assertThat(again.startedAt()).isEqualTo(later);
        assertThat(db.<List<Long>>read(c -> tasks.runningIds(c, "worker-a"))).isEmpty();
        assertThat(db.<List<Long>>read(c -> tasks.runningIds(c, "worker-b"))).containsExactly(id);
    }

    @Test
    void concurrentClaimersNeverShareATask() throws Exception {
        claimConcurrently(List.of(db, db), 500, 7);
    }

    @Test
    void claimersOnSeveralNodesNeverShareATask() throws Exception {
        Assumptions.assumeTrue(multiNode(), "only a cluster store has several nodes");
        Database other = node();
        claimConcurrently(List.of(db, db, other, other), 600, 5);
    }

    private void claimConcurrently(List<Database> nodes, int n, int batch) throws Exception {
        db.write(tx -> {
            for (int i = 0; i < n; i++) tasks.insert(tx, nt("shell", 1 + i % 10), TaskStatus.QUEUED, T0, 0, T0);
            return null;
        });
        CyclicBarrier start = new CyclicBarrier(nodes.size());
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        Map<Long, String> owner = new ConcurrentHashMap<>();
        List<Long> duplicates = new CopyOnWriteArrayList<>();
        List<Integer> oversized = new CopyOnWriteArrayList<>();
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Database node = nodes.get(i);
                TaskStore store = new TaskStore(node.dialect());
                String worker = "w" + i;
                fs.add(pool.submit(() -> {
                    start.await();
                    int claims = 0;
                    while (true) {
                        List<Task> got = node.write(tx -> store.claim(tx, worker, SHELL, batch, T0, T0.plusSeconds(60)));
                        if (got.size() > batch) oversized.add(got.size());
                        for (Task t : got) {
                            if (owner.putIfAbsent(t.id(), worker) != null) duplicates.add(t.id());
                        }
                        if (got.isEmpty()) return claims;
                        claims++;
                    }
                }));
            }
            for (Future<Integer> f : fs) f.get(100, SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).as("tasks handed to two claimers").isEmpty();
        assertThat(oversized).as("batches over the limit").isEmpty();
        assertThat(owner).hasSize(n);
        assertThat(db.<Map<TaskStatus, Long>>read(c -> tasks.countByStatus(c))).isEqualTo(Map.of(TaskStatus.RUNNING, (long) n));
        // Each row names the claimer that got it, and was claimed exactly once.
        Page<Task> all = list(query(Set.of(), null, null, TaskSort.ID, true, 0, n));
        for (Task t : all.items()) {
            assertThat(t.workerId()).as("owner of %d", t.id()).isEqualTo(owner.get(t.id()));
            assertThat(t.attempt()).as("attempt of %d", t.id()).isEqualTo(1);
        }
    }

    // ---- completions, leases ---------------------------------------------------------------

    @Test
    void completesARunningAttempt() {
        long id = queued("shell", 5, T0);
        Task t = claim("w", SHELL, 1, T0, T0.plusSeconds(30)).get(0);
        Instant end = T0.plusSeconds(3);
        Completion c = new Completion(id, 1, "w", Completion.Outcome.RESULT, ExecutionResult.ok(0, "hello"), T0, end);
        assertThat(complete(List.of(c))).containsExactly(true);
        Task done = find(id);
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.completedAt()).isEqualTo(end);
        assertThat(done.updatedAt()).isEqualTo(end);
        assertThat(done.leaseUntil()).isNull();
        assertThat(done.result()).isEqualTo("hello");
        assertThat(done.exitCode()).isEqualTo(0);
        assertThat(done.error()).isNull();
        assertThat(done.logCount()).isEqualTo(t.logCount() + 1);
        assertThat(done.workerId()).isEqualTo("w");
        assertThat(done.startedAt()).isEqualTo(T0);
        assertThat(complete(List.of())).isEmpty();
    }

    @Test
    void aCompletionForATaskNoLongerRunningThatAttemptIsRefused() {
        long lost = queued("shell", 5, T0);
        long cancelled = queued("shell", 5, T0);
        long neverClaimed = queued("shell", 5, T0);
        long fine = queued("shell", 5, T0);
        long restarted = queued("shell", 5, T0);
        assertThat(ids(claim("a", SHELL, 3, T0, T0.plusSeconds(30)))).containsExactly(lost, cancelled, neverClaimed);
        assertThat(ids(claim("b", SHELL, 1, T0, T0.plusSeconds(30)))).containsExactly(fine);
        assertThat(ids(claim("a", SHELL, 1, T0, T0.plusSeconds(30)))).containsExactly(restarted);
        // a's lease on lost ran out and worker b re-claimed it.
        requeue(lost, T0.plusSeconds(40));
        assertThat(ids(claim("b", SHELL, 1, T0.plusSeconds(40), T0.plusSeconds(70)))).containsExactly(lost);
        // a crashed and came back under the same worker id: it re-claimed restarted (attempt 2),
        // and the dead process's attempt 1 must not count.
        requeue(restarted, T0.plusSeconds(40));
        assertThat(claim("a", SHELL, 1, T0.plusSeconds(40), T0.plusSeconds(70)))
                .singleElement().satisfies(t -> assertThat(t.attempt()).isEqualTo(2));
        // neverClaimed goes back to the queue; cancelled is cancelled while running.
        requeue(neverClaimed, T0.plusSeconds(41));
        assertThat(update(cancelled, sets("status", TaskStatus.CANCELLED, "completed_at", T0.plusSeconds(2)), null)).isTrue();
        Instant end = T0.plusSeconds(50);

        boolean[] applied = complete(List.of(
                success(lost, 1, "a", end),         // stale attempt, task now held by worker b
                success(cancelled, 1, "a", end),    // cancelled meanwhile
                success(neverClaimed, 1, "a", end), // queued again, not running
                success(restarted, 1, "a", end),    // same worker, stale attempt
                success(fine, 1, "b", end),         // the live attempt: applies
                success(lost, 2, "b", end),         // the live attempt: applies
                success(restarted, 2, "a", end)));  // the live attempt: applies
        assertThat(applied).containsExactly(false, false, false, false, true, true, true);
        assertThat(find(cancelled).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(find(cancelled).completedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(find(neverClaimed).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(find(lost).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(find(fine).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(find(restarted).status()).isEqualTo(TaskStatus.COMPLETED);

        // A duplicate report of an applied completion changes nothing.
        Task before = find(fine);
        assertThat(complete(List.of(new Completion(fine, 1, "b", Completion.Outcome.RESULT,
                ExecutionResult.ok(3, "other"), end, end.plusSeconds(9))))).containsExactly(false);
        assertThat(find(fine)).isEqualTo(before);
    }

    @Test
    void aCompletionFromAWorkerThatDoesNotHoldTheTaskIsRefused() {
        long id = queued("shell", 5, T0);
        claim("a", SHELL, 1, T0, T0.plusSeconds(30));
        // Same task, same attempt number, but reported by a worker that never claimed it.
        assertThat(complete(List.of(success(id, 1, "intruder", T0.plusSeconds(1))))).containsExactly(false);
        assertThat(find(id).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(complete(List.of(success(id, 1, "a", T0.plusSeconds(2))))).containsExactly(true);
    }

    @Test
    void renewLeasesRenewsOnlyTheGivenRunningTasksOfThatWorker() {
        long a1 = queued("shell", 5, T0);
        long a2 = queued("shell", 5, T0);
        long a3 = queued("shell", 5, T0);
        long aDone = queued("shell", 5, T0);
        claim("a", SHELL, 4, T0, T0.plusSeconds(30));
        long b1 = queued("shell", 5, T0);
        claim("b", SHELL, 1, T0, T0.plusSeconds(30));
        long q = queued("shell", 5, T0);
        assertThat(complete(List.of(success(aDone, 1, "a", T0.plusSeconds(5))))).containsExactly(true);

        Instant renewed = T0.plusSeconds(90);
        db.write(tx -> {
            tasks.renewLeases(tx, "a", List.of(a1, a2, aDone, b1, q), renewed);
            tasks.renewLeases(tx, "a", List.of(), renewed); // nothing to renew: a no-op
            return null;
        });
        assertThat(find(a1).leaseUntil()).isEqualTo(renewed);
        assertThat(find(a2).leaseUntil()).isEqualTo(renewed);
        assertThat(find(a3).leaseUntil()).as("not named").isEqualTo(T0.plusSeconds(30));
        assertThat(find(b1).leaseUntil()).as("another worker's").isEqualTo(T0.plusSeconds(30));
        assertThat(find(aDone).leaseUntil()).as("finished").isNull();
        assertThat(find(aDone).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(find(q).leaseUntil()).as("queued").isNull();
        assertThat(find(q).status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void expiredLeasesAreRunningTasksWhoseLeasePassed() {
        long l10 = queued("shell", 5, T0);
        claim("a", SHELL, 1, T0, T0.plusSeconds(10));
        long l30 = queued("shell", 5, T0);
        claim("a", SHELL, 1, T0, T0.plusSeconds(30));
        long l20 = queued("shell", 5, T0);
        claim("b", SHELL, 1, T0, T0.plusSeconds(20));
        long finished = queued("shell", 5, T0);
        claim("b", SHELL, 1, T0, T0.plusSeconds(5));
        complete(List.of(success(finished, 1, "b", T0.plusSeconds(1))));
        long cancelled = queued("shell", 5, T0);
        claim("b", SHELL, 1, T0, T0.plusSeconds(5));
        update(cancelled, sets("status", TaskStatus.CANCELLED), null); // keeps its old lease_until
        queued("shell", 5, T0);

        assertThat(db.<List<Task>>read(c -> tasks.expiredLeases(c, T0.plusSeconds(10), 100))).as("a lease ending now is not yet lost").isEmpty();
        assertThat(ids(db.read(c -> tasks.expiredLeases(c, T0.plusSeconds(10).plusMillis(1), 100)))).containsExactly(l10);
        assertThat(ids(db.read(c -> tasks.expiredLeases(c, T0.plusSeconds(60), 100)))).containsExactly(l10, l20, l30);
        assertThat(ids(db.read(c -> tasks.expiredLeases(c, T0.plusSeconds(60), 2)))).containsExactly(l10, l20);
        Task t = db.read(c -> tasks.expiredLeases(c, T0.plusSeconds(60), 1)).get(0);
        assertThat(t.workerId()).isEqualTo("a");
        assertThat(t.attempt()).isEqualTo(1);

        Instant renewed = T0.plusSeconds(120);
        db.write(tx -> {
            tasks.renewLeases(tx, "a", List.of(l10), renewed);
            return null;
        });
        assertThat(ids(db.read(c -> tasks.expiredLeases(c, T0.plusSeconds(60), 100)))).containsExactly(l20, l30);
    }

    // ---- pending → queued, dependencies --------------------------------------------------------

    @Test
    void promoteDueMovesDuePendingTasksWithoutOpenDependencies() {
        long due = insert(nt("shell", 5), TaskStatus.PENDING, T0.plusSeconds(10), 0, T0);
        long dueExactly = insert(nt("shell", 5), TaskStatus.PENDING, T0.plusSeconds(20), 0, T0);
        long future = insert(nt("shell", 5), TaskStatus.PENDING, T0.plusSeconds(21), 0, T0);
        long waiting = insert(nt("shell", 5), TaskStatus.PENDING, T0, 1, T0);
        long failed = insert(nt("shell", 5), TaskStatus.FAILED, T0, 0, T0);

        assertThat(db.<Instant>read(c -> tasks.nextDue(c))).isEqualTo(T0.plusSeconds(10));
        Instant now = T0.plusSeconds(20);
        assertThat(db.<Integer>write(tx -> tasks.promoteDue(tx, now))).isEqualTo(2);
        assertThat(find(due).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(find(due).updatedAt()).isEqualTo(now);
        assertThat(find(dueExactly).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(find(future).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(find(waiting).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(find(failed).status()).isEqualTo(TaskStatus.FAILED);
        assertThat(db.<Instant>read(c -> tasks.nextDue(c))).as("waiting needs a dependency, not time").isEqualTo(T0.plusSeconds(21));
        assertThat(db.<Integer>write(tx -> tasks.promoteDue(tx, now))).as("idempotent").isZero();
        assertThat(db.<Integer>write(tx -> tasks.promoteDue(tx, T0.plusSeconds(21)))).isEqualTo(1);
        assertThat(db.<Instant>read(c -> tasks.nextDue(c))).isNull();
    }

    @Test
    void dependencyCompletedDecrementsAndPromotesTheReadyOnes() {
        long a = queued("shell", 5, T0);
        long b = queued("shell", 5, T0);
        long both = insert(dependingOn(List.of(a, b)), TaskStatus.PENDING, T0, 2, T0);
        long laterOnA = insert(dependingOn(List.of(a)), TaskStatus.PENDING, T0.plusSeconds(100), 1, T0);
        long cancelledOnA = insert(dependingOn(List.of(a)), TaskStatus.PENDING, T0, 1, T0);
        update(cancelledOnA, sets("status", TaskStatus.CANCELLED), null);
        long unrelated = insert(dependingOn(List.of(b)), TaskStatus.PENDING, T0, 1, T0);

        Instant now = T0.plusSeconds(10);
        db.write(tx -> {
            tasks.dependencyCompleted(tx, a, now);
            return null;
        });
        assertThat(depsPending(both)).isEqualTo(1);
        assertThat(find(both).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(depsPending(laterOnA)).isZero();
        assertThat(find(laterOnA).status()).as("free but not due").isEqualTo(TaskStatus.PENDING);
        assertThat(depsPending(cancelledOnA)).as("finished tasks are left alone").isEqualTo(1);
        assertThat(find(cancelledOnA).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(depsPending(unrelated)).isEqualTo(1);

        db.write(tx -> {
            tasks.dependencyCompleted(tx, b, now);
            return null;
        });
        assertThat(depsPending(both)).isZero();
        assertThat(find(both).status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(find(both).updatedAt()).isEqualTo(now);
        assertThat(find(unrelated).status()).isEqualTo(TaskStatus.QUEUED);

        assertThat(db.<Integer>write(tx -> tasks.promoteDue(tx, T0.plusSeconds(100)))).isEqualTo(1);
        assertThat(find(laterOnA).status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void dependentsAndWithDependents() {
        long a = queued("shell", 5, T0);
        long b = queued("shell", 5, T0);
        long lone = queued("shell", 5, T0);
        long x = insert(dependingOn(List.of(a)), TaskStatus.PENDING, T0, 1, T0);
        long y = insert(dependingOn(List.of(a, b)), TaskStatus.PENDING, T0, 2, T0);
        long z = insert(dependingOn(List.of(a)), TaskStatus.PENDING, T0, 1, T0);
        update(z, sets("status", TaskStatus.FAILED), null);

        assertThat(db.<List<Long>>read(c -> tasks.dependents(c, a, false))).containsExactly(x, y, z);
        assertThat(db.<List<Long>>read(c -> tasks.dependents(c, a, true))).containsExactly(x, y);
        assertThat(db.<List<Long>>read(c -> tasks.dependents(c, b, false))).containsExactly(y);
        assertThat(db.<List<Long>>read(c -> tasks.dependents(c, lone, false))).isEmpty();
        assertThat(db.<List<Long>>read(c -> tasks.withDependents(c, List.of(a, b, lone, x)))).containsExactlyInAnyOrder(a, b);
        assertThat(db.<List<Long>>read(c -> tasks.withDependents(c, List.of()))).isEmpty();
    }

    @Test
    void reachesFollowsDependencyEdgesAndDetectsCycles() {
        // c <- b <- a  (a depends on b, b depends on c), and d depends on a and c.
        long c = queued("shell", 5, T0);
        long b = insert(dependingOn(List.of(c)), TaskStatus.PENDING, T0, 1, T0);
        long a = insert(dependingOn(List.of(b)), TaskStatus.PENDING, T0, 1, T0);
        long d = insert(dependingOn(List.of(a, c)), TaskStatus.PENDING, T0, 2, T0);
        long other = queued("shell", 5, T0);

        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(a), c))).isTrue();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(d), c))).isTrue();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(c), a))).isFalse();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(other, b), c))).isTrue();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(other), c))).isFalse();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(a), a))).as("a set containing the target").isTrue();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(), a))).isFalse();
        // Would making c depend on d close a cycle? Only if c is reachable from d.
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(d), c))).isTrue();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(other), d))).isFalse();

        // Even with a cycle already stored, the walk ends.
        db.write(tx -> {
            tasks.replaceDeps(tx, c, List.of(a));
            return null;
        });
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(c), b))).isTrue();
        assertThat(db.<Boolean>read(cn -> tasks.reaches(cn, List.of(a), other))).isFalse();
    }

    // ---- list --------------------------------------------------------------------------------

    record Seeded(List<Long> all, Map<Long, TaskStatus> status) {
    }

    /** 14 tasks: mixed statuses, tags, priorities, names and times, with ties in every column. */
    Seeded seed() {
        List<Long> ids = new ArrayList<>();
        String[] names = {"delta", "alpha", "charlie", "alpha", "bravo", "echo", "alpha"};
        for (int i = 0; i < 14; i++) {
            List<String> tags = new ArrayList<>();
            if (i % 2 == 0) tags.add("even");
            if (i % 3 == 0) tags.add("three");
            Instant created = T0.plusSeconds(i / 3);
            Instant runAt = T0.plusSeconds(100 - (i % 4) * 10);
            ids.add(insert(named(names[i % names.length], 1 + (i * 7) % 10, tags), TaskStatus.QUEUED, runAt, 0, created));
        }
        // 0-3 stay queued; 4-9 get claimed (the two first in queue order by w1, the rest by w2); 6 and 7
        // complete; 8 fails; 10 and 11 stay pending; 12 and 13 are cancelled.
        Map<Long, TaskStatus> status = new LinkedHashMap<>();
        for (int i = 0; i < 14; i++) status.put(ids.get(i), TaskStatus.QUEUED);
        for (int i = 0; i < 4; i++) update(ids.get(i), sets("status", "pending"), null);
        for (int i = 10; i < 14; i++) update(ids.get(i), sets("status", "pending"), null);
        assertThat(claim("w1", SHELL, 2, T0.plusSeconds(50), T0.plusSeconds(80))).hasSize(2);
        assertThat(claim("w2", SHELL, 4, T0.plusSeconds(40), T0.plusSeconds(80))).hasSize(4);
        for (int i = 0; i < 4; i++) update(ids.get(i), sets("status", "queued"), null);
        for (int i = 4; i < 10; i++) status.put(ids.get(i), TaskStatus.RUNNING);
        List<Task> running = new ArrayList<>();
        for (int i = 4; i < 10; i++) running.add(find(ids.get(i)));
        assertThat(running).extracting(Task::status).containsOnly(TaskStatus.RUNNING);
        complete(List.of(success(find(ids.get(6)), find(ids.get(6)).workerId(), T0.plusSeconds(70)),
                success(find(ids.get(7)), find(ids.get(7)).workerId(), T0.plusSeconds(60))));
        status.put(ids.get(6), TaskStatus.COMPLETED);
        status.put(ids.get(7), TaskStatus.COMPLETED);
        update(ids.get(8), sets("status", TaskStatus.FAILED, "completed_at", T0.plusSeconds(70)), null);
        status.put(ids.get(8), TaskStatus.FAILED);
        for (int i = 10; i < 12; i++) status.put(ids.get(i), TaskStatus.PENDING);
        for (int i = 12; i < 14; i++) {
            update(ids.get(i), sets("status", TaskStatus.CANCELLED, "completed_at", T0.plusSeconds(65)), null);
            status.put(ids.get(i), TaskStatus.CANCELLED);
        }
        return new Seeded(ids, status);
    }

    @Test
    void filtersByStatusTagAndWorkerWithTotals() {
        Seeded s = seed();
        Page<Task> running = list(query(Set.of(TaskStatus.RUNNING), null, null, TaskSort.ID, true, 0, 100));
        assertThat(ids(running.items())).containsExactlyElementsOf(idsWith(s, TaskStatus.RUNNING));
        assertThat(running.total()).isEqualTo(3);

        Page<Task> two = list(query(Set.of(TaskStatus.QUEUED, TaskStatus.CANCELLED), null, null, TaskSort.ID, true, 0, 100));
        List<Long> expected = new ArrayList<>(idsWith(s, TaskStatus.QUEUED));
        expected.addAll(idsWith(s, TaskStatus.CANCELLED));
        expected.sort(null);
        assertThat(ids(two.items())).containsExactlyElementsOf(expected);
        assertThat(two.total()).isEqualTo(expected.size());

        List<Long> even = IntStream.range(0, 14).filter(i -> i % 2 == 0).mapToObj(s.all()::get).toList();
        Page<Task> tagged = list(query(Set.of(), "even", null, TaskSort.ID, true, 0, 100));
        assertThat(ids(tagged.items())).containsExactlyElementsOf(even);
        assertThat(tagged.total()).isEqualTo(7);

        Page<Task> both = list(query(Set.of(TaskStatus.PENDING, TaskStatus.CANCELLED), "even", null, TaskSort.ID, true, 0, 100));
        List<Long> pendingOrCancelledEven = IntStream.range(0, 14).filter(i -> i % 2 == 0).mapToObj(s.all()::get)
                .filter(id -> s.status().get(id) == TaskStatus.PENDING || s.status().get(id) == TaskStatus.CANCELLED)
                .toList();
        assertThat(pendingOrCancelledEven).hasSize(2);
        assertThat(ids(both.items())).containsExactlyElementsOf(pendingOrCancelledEven);
        assertThat(both.total()).isEqualTo(2);

        Page<Task> w1 = list(query(Set.of(), null, "w1", TaskSort.ID, true, 0, 100));
        assertThat(w1.items()).extracting(Task::workerId).containsOnly("w1");
        assertThat(w1.total()).isEqualTo(2);

        Page<Task> none = list(query(Set.of(), "no-such-tag", null, TaskSort.ID, true, 0, 100));
        assertThat(none.items()).isEmpty();
        assertThat(none.total()).isZero();
    }

    private List<Long> idsWith(Seeded s, TaskStatus st) {
        return s.all().stream().filter(id -> s.status().get(id) == st).toList();
    }

    @Test
    void pagesAreDisjointAndCoverTheWholeFilteredList() {
        Seeded s = seed();
        for (TaskSort sort : TaskSort.values()) {
            for (boolean asc : List.of(true, false)) {
                List<Long> whole = ids(list(all(sort, asc)).items());
                assertThat(whole).hasSize(14);
                List<Long> paged = new ArrayList<>();
                for (int offset = 0; offset < 20; offset += 4) {
                    Page<Task> p = list(query(Set.of(), null, null, sort, asc, offset, 4));
                    assertThat(p.total()).isEqualTo(14);
                    assertThat(p.items()).hasSizeLessThanOrEqualTo(4);
                    paged.addAll(ids(p.items()));
                }
                assertThat(paged).as("%s %s", sort, asc ? "asc" : "desc").containsExactlyElementsOf(whole);
            }
        }
        assertThat(list(query(Set.of(), null, null, TaskSort.ID, true, 100, 10)).items()).isEmpty();
        assertThat(list(query(Set.of(), null, null, TaskSort.ID, true, 100, 10)).total()).isEqualTo(14);
        assertThat(s.all()).hasSize(14);
    }

    @Test
    void sortsByEveryFieldBothWaysWithIdBreakingTies() {
        seed();
        Map<TaskSort, Function<Task, Comparable<?>>> key = Map.of(
                TaskSort.CREATED_AT, Task::createdAt, TaskSort.UPDATED_AT, Task::updatedAt,
                TaskSort.PRIORITY, Task::priority, TaskSort.SCHEDULED_AT, Task::runAt,
                TaskSort.STARTED_AT, Task::startedAt, TaskSort.COMPLETED_AT, Task::completedAt,
                TaskSort.NAME, Task::name, TaskSort.STATUS, t -> t.status().wire(), TaskSort.ID, Task::id);
        assertThat(key.keySet()).containsExactlyInAnyOrder(TaskSort.values());
        for (TaskSort sort : TaskSort.values()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Comparator<Task> byColumn = Comparator.comparing((Function) key.get(sort),
                    Comparator.nullsFirst(Comparator.naturalOrder()));
            Comparator<Task> ascending = byColumn.thenComparing(Task::id);
            List<Task> asc = list(all(sort, true)).items();
            List<Task> desc = list(all(sort, false)).items();
            assertThat(asc).as("%s ascending (no value sorts first)", sort).isSortedAccordingTo(ascending);
            assertThat(desc).as("%s descending", sort).isSortedAccordingTo(ascending.reversed());
            List<Long> reversed = new ArrayList<>(ids(desc));
            java.util.Collections.reverse(reversed);
            assertThat(ids(asc)).as("%s: descending is ascending reversed", sort).containsExactlyElementsOf(reversed);
            // the seed has ties in this column, so the id tie-break is exercised
            if (sort != TaskSort.ID) assertThat(asc.stream().map(key.get(sort)).distinct().count()).as(sort.name()).isLessThan(14);
        }
    }

    @Test
    void listedTasksCarryTheirDependencies() {
        long a = queued("shell", 5, T0);
        long b = insert(dependingOn(List.of(a)), TaskStatus.PENDING, T0, 1, T0);
        List<Task> items = list(all(TaskSort.ID, true)).items();
        assertThat(items).extracting(Task::dependencies).containsExactly(List.of(), List.of(a));
        assertThat(ids(items)).containsExactly(a, b);
    }

    // ---- logs and events ---------------------------------------------------------------------

    @Test
    void logLinesKeepTheirOrderAndFilterByLevelWithPaging() {
        long id = queued("shell", 5, T0);
        long other = queued("shell", 5, T0);
        LogLevel[] levels = {LogLevel.INFO, LogLevel.DEBUG, LogLevel.WARN, LogLevel.INFO, LogLevel.ERROR};
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // timestamps deliberately not monotonic: the order is the order of writing
            lines.add(new Line(id, T0.toEpochMilli() + (i % 3) * 1000, levels[i % 5], "line " + i + " ✓ \"quoted\""));
        }
        db.write(tx -> {
            logs.append(tx, lines.subList(0, 10));
            logs.append(tx, List.of(new Line(other, T0.toEpochMilli(), LogLevel.ERROR, "other task")));
            return null;
        });
        db.write(tx -> {
            logs.append(tx, lines.subList(10, 25));
            logs.append(tx, List.of());
            return null;
        });

        // The creation line is derived from the task's row (Lifecycle) and comes first.
        String created = "Task created (queued)";
        Page<TaskLog> all = db.read(c -> logs.list(c, id, null, 0, 100));
        assertThat(all.total()).isEqualTo(26);
        assertThat(all.items().getFirst()).isEqualTo(new TaskLog(T0, LogLevel.INFO, created));
        assertThat(all.items().subList(1, 26)).extracting(TaskLog::message)
                .containsExactlyElementsOf(lines.stream().map(Line::message).toList());
        assertThat(all.items().get(5)).isEqualTo(new TaskLog(T0.plusSeconds(1), LogLevel.ERROR, "line 4 ✓ \"quoted\""));

        Page<TaskLog> page = db.read(c -> logs.list(c, id, null, 11, 5));
        assertThat(page.total()).isEqualTo(26);
        assertThat(page.items()).extracting(TaskLog::message)
                .containsExactly("line 10 ✓ \"quoted\"", "line 11 ✓ \"quoted\"", "line 12 ✓ \"quoted\"",
                        "line 13 ✓ \"quoted\"", "line 14 ✓ \"quoted\"");
        Page<TaskLog> across = db.read(c -> logs.list(c, id, null, 0, 2));
        assertThat(across.items()).extracting(TaskLog::message).containsExactly(created, "line 0 ✓ \"quoted\"");

        Page<TaskLog> infos = db.read(c -> logs.list(c, id, LogLevel.INFO, 0, 100));
        assertThat(infos.total()).isEqualTo(11);
        assertThat(infos.items()).extracting(TaskLog::level).containsOnly(LogLevel.INFO);
        Page<TaskLog> infoPage = db.read(c -> logs.list(c, id, LogLevel.INFO, 3, 3));
        assertThat(infoPage.total()).isEqualTo(11);
        assertThat(infoPage.items()).extracting(TaskLog::message)
                .containsExactly("line 5 ✓ \"quoted\"", "line 8 ✓ \"quoted\"", "line 10 ✓ \"quoted\"");
        assertThat(db.read(c -> logs.list(c, id, LogLevel.ERROR, 0, 100)).total()).isEqualTo(5);

        Page<TaskLog> past = db.read(c -> logs.list(c, id, null, 26, 10));
        assertThat(past.items()).isEmpty();
        assertThat(past.total()).isEqualTo(26);
        assertThat(db.read(c -> logs.list(c, other, null, 0, 10)).items()).extracting(TaskLog::message)
                .containsExactly(created, "other task");
        assertThat(db.read(c -> logs.list(c, 404_404, null, 0, 10)).total()).isZero();
    }

    @Test
    void aSubscriptionMadeEarlierInTheSameTransactionGetsTheLaterEvents() {
        // Which events have subscribers is looked up once per transaction; a subscription change
        // inside it must be seen by the events after it, in the same op and in the next ones.
        WebhookStore hooks = new WebhookStore();
        EventStore withOutbox = new EventStore(hooks, () -> { });
        long before = db.write(tx -> {
            withOutbox.append(tx, List.of(new Event(T0.toEpochMilli(), "task.created", null, null, null)));
            long hook = hooks.insert(tx, "http://127.0.0.1:9/", "s3cret-s3cret-s3cret", Set.of("task.created"), true, null, T0);
            withOutbox.append(tx, List.of(new Event(T0.toEpochMilli(), "task.created", null, null, null)));
            return hook;
        });
        assertThat(count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?", before)).isEqualTo(1);
        db.write(tx -> {
            withOutbox.append(tx, List.of(new Event(T0.toEpochMilli(), "task.created", null, null, null)));
            hooks.update(tx, before, Map.of("enabled", false), null, T0);
            withOutbox.append(tx, List.of(new Event(T0.toEpochMilli(), "task.created", null, null, null)));
            return null;
        });
        assertThat(count("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?", before)).isEqualTo(2);
    }

    @Test
    void logCountIsAdjustable() {
        long id = queued("shell", 5, T0);
        db.write(tx -> {
            tasks.addLogCount(tx, id, 4);
            return null;
        });
        assertThat(find(id).logCount()).isEqualTo(5);
    }

    @Test
    void eventsAppendAndCountByType() {
        long id = queued("shell", 5, T0);
        db.write(tx -> {
            events.append(tx, List.of(
                    new Event(T0.toEpochMilli(), "task.created", id, null, "{\"status\":\"queued\"}"),
                    new Event(T0.toEpochMilli(), "task.started", id, "w1", null),
                    new Event(T0.toEpochMilli(), "worker.offline", null, "w1", null),
                    new Event(T0.toEpochMilli(), "task.created", null, null, null)));
            events.append(tx, List.of());
            return null;
        });
        assertThat(events("task.created")).isEqualTo(2);
        assertThat(events("task.started")).isEqualTo(1);
        assertThat(events("worker.offline")).isEqualTo(1);
        assertThat(events("task.completed")).isZero();
        assertThat(count("SELECT COUNT(*) FROM events WHERE task_id = ? AND worker_id = ?", id, "w1")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM events WHERE task_id IS NULL")).isEqualTo(2);
    }

    // ---- workers -----------------------------------------------------------------------------

    final Duration ttl = Duration.ofSeconds(30);

    WorkerStore.Heartbeat hb(String id, String kind) {
        return new WorkerStore.Heartbeat(id, "host-" + id, kind, 4, "1.2.3", List.of("gpu", "eu"),
                new Worker.Resources(0.25, 0.5, 0.75), ttl);
    }

    boolean beat(WorkerStore.Heartbeat hb, Instant now) {
        return db.write(tx -> workers.heartbeat(tx, hb, now));
    }

    Worker worker(String id, Instant now) {
        return db.read(c -> workers.find(c, id, now));
    }

    @Test
    void heartbeatInsertsThenRefreshes() {
        assertThat(beat(hb("w1", "local"), T0)).as("new worker").isTrue();
        Worker w = worker("w1", T0);
        assertThat(w).isEqualTo(new Worker("w1", "host-w1", "local", WorkerStatus.IDLE, 4, 0, 0, List.of(), T0, T0,
                "1.2.3", List.of("gpu", "eu"), new Worker.Resources(0.25, 0.5, 0.75)));

        WorkerStore.Heartbeat changed = new WorkerStore.Heartbeat("w1", "host-2", "local", 8, "1.3.0", List.of(),
                null);
        assertThat(beat(changed, T0.plusSeconds(10))).as("refresh of a live worker").isFalse();
        Worker w2 = worker("w1", T0.plusSeconds(10));
        assertThat(w2.hostname()).isEqualTo("host-2");
        assertThat(w2.capacity()).isEqualTo(8);
        assertThat(w2.version()).isEqualTo("1.3.0");
        assertThat(w2.tags()).isEmpty();
        assertThat(w2.resources()).isNull();
        assertThat(w2.lastHeartbeat()).isEqualTo(T0.plusSeconds(10));
        assertThat(w2.registeredAt()).as("first registration is kept").isEqualTo(T0);
        assertThat(count("SELECT COUNT(*) FROM workers")).isEqualTo(1);
        assertThat(worker("nobody", T0)).isNull();
    }

    @Test
    void derivedStatusAndRunningTasks() {
        beat(hb("busy", "local"), T0);
        beat(hb("idle", "local"), T0);
        beat(hb("gone", "remote"), T0);
        long t1 = queued("shell", 5, T0);
        long t2 = queued("shell", 5, T0);
        claim("busy", SHELL, 2, T0, T0.plusSeconds(30));
        Instant now = T0.plusSeconds(40);
        beat(hb("busy", "local"), now);
        beat(hb("idle", "local"), now);

        assertThat(worker("busy", now).status()).isEqualTo(WorkerStatus.ACTIVE);
        assertThat(worker("busy", now).currentTaskIds()).containsExactly(t1, t2);
        assertThat(worker("idle", now).status()).isEqualTo(WorkerStatus.IDLE);
        assertThat(worker("gone", now).status()).isEqualTo(WorkerStatus.OFFLINE);
        assertThat(worker("gone", now.minusSeconds(10)).status()).as("heartbeat exactly at the cutoff is live")
                .isEqualTo(WorkerStatus.IDLE);

        Instant cutoff = now; // each worker row carries its own expiry
        Page<Worker> all = db.read(c -> workers.list(c, null, cutoff, 0, 10));
        assertThat(all.total()).isEqualTo(3);
        // registration order, then id
        assertThat(all.items()).extracting(Worker::id).containsExactly("busy", "gone", "idle");
        assertThat(db.read(c -> workers.list(c, null, cutoff, 1, 1)).items()).extracting(Worker::id).containsExactly("gone");
        for (var e : Map.of(WorkerStatus.ACTIVE, "busy", WorkerStatus.IDLE, "idle", WorkerStatus.OFFLINE, "gone").entrySet()) {
            Page<Worker> p = db.read(c -> workers.list(c, e.getKey(), cutoff, 0, 10));
            assertThat(p.items()).extracting(Worker::id).as(e.getKey().wire()).containsExactly(e.getValue());
            assertThat(p.total()).isEqualTo(1);
        }
        assertThat(db.<Map<WorkerStatus, Long>>read(c -> workers.countByStatus(c, cutoff)))
                .isEqualTo(Map.of(WorkerStatus.ACTIVE, 1L, WorkerStatus.IDLE, 1L, WorkerStatus.OFFLINE, 1L));
        assertThat(db.<Long>read(c -> workers.countLive(c, cutoff, "local"))).isEqualTo(2);
        assertThat(db.<Long>read(c -> workers.countLive(c, cutoff, "remote"))).isZero();

        complete(List.of(success(t1, 1, "busy", now), success(t2, 1, "busy", now)));
        assertThat(worker("busy", now).status()).isEqualTo(WorkerStatus.IDLE);
        assertThat(worker("busy", now).currentTaskIds()).isEmpty();
    }

    @Test
    void markOfflineThenHeartbeatIsARegistration() {
        beat(hb("a", "local"), T0); // expires at T0 + ttl (30 s)
        beat(hb("b", "local"), T0.plusSeconds(20));
        assertThat(db.<List<String>>write(tx -> workers.markOffline(tx, T0.plus(ttl)))).as("at its expiry").isEmpty();
        List<String> off = db.write(tx -> workers.markOffline(tx, T0.plus(ttl).plusMillis(1)));
        assertThat(off).containsExactly("a");
        assertThat(db.<List<String>>write(tx -> workers.markOffline(tx, T0.plus(ttl).plusMillis(1)))).as("only once").isEmpty();
        assertThat(beat(hb("a", "local"), T0.plusSeconds(60))).as("back from offline").isTrue();
        assertThat(beat(hb("a", "local"), T0.plusSeconds(61))).isFalse();
        assertThat(worker("a", T0.plusSeconds(61)).registeredAt()).isEqualTo(T0);
    }

    @Test
    void outcomesAccumulate() {
        beat(hb("w", "local"), T0);
        db.write(tx -> {
            workers.addOutcomes(tx, "w", 3, 1);
            workers.addOutcomes(tx, "w", 0, 0);
            workers.addOutcomes(tx, "w", 2, 0);
            return null;
        });
        Worker w = worker("w", T0);
        assertThat(w.tasksCompleted()).isEqualTo(5);
        assertThat(w.tasksFailed()).isEqualTo(1);
    }

    // ---- API keys ----------------------------------------------------------------------------

    @Test
    void theLastUsableAdminKeyCannotBeDisabledRevokedOrNarrowed() {
        ApiKeyService service = new ApiKeyService(db, keys, new MutableClock(T0));
        ApiKeyService.Created a = service.create("a", Set.of("admin"), "unlimited");
        ApiKeyService.Created b = service.create("b", Set.of("admin"), "unlimited");
        ApiKeyService.Created reader = service.create("reader", Set.of("tasks:read"), "starter");
        long ida = a.key().id(), idb = b.key().id();

        // One's own key: refused even while another admin remains.
        assertThatThrownBy(() -> service.update(ida, new ApiKeyService.KeyPatch(null, null, null, false), "key:" + ida))
                .isInstanceOf(dev.coxswain.core.service.ConflictException.class).hasMessageContaining("key-" + ida);
        assertThatThrownBy(() -> service.revoke(ida, "key:" + ida))
                .isInstanceOf(dev.coxswain.core.service.ConflictException.class);
        // By another admin: allowed while an admin key remains.
        assertThat(service.update(ida, new ApiKeyService.KeyPatch(null, null, null, false), "key:" + idb).enabled()).isFalse();
        // b is now the last usable admin key, whoever asks (the command line has no principal).
        assertThatThrownBy(() -> service.update(idb, new ApiKeyService.KeyPatch(null, null, null, false), null))
                .isInstanceOf(dev.coxswain.core.service.ConflictException.class).hasMessageContaining("last enabled admin key");
        assertThatThrownBy(() -> service.update(idb, new ApiKeyService.KeyPatch(null, Set.of("tasks:read"), null, null), null))
                .isInstanceOf(dev.coxswain.core.service.ConflictException.class);
        assertThatThrownBy(() -> service.revoke(idb, null)).isInstanceOf(dev.coxswain.core.service.ConflictException.class);
        assertThat(service.authenticate(b.secret())).isPresent();
        // Keys without the admin scope are not protected.
        assertThat(service.revoke(reader.key().id(), null).revoked()).isTrue();
        // Once a is enabled again, b may go.
        service.update(ida, new ApiKeyService.KeyPatch(null, null, null, true), null);
        assertThat(service.revoke(idb, "key:" + ida).revoked()).isTrue();
    }

    @Test
    void ensureRestoresADisabledOrRevokedConfiguredKey() {
        ApiKeyService service = new ApiKeyService(db, keys, new MutableClock(T0));
        String secret = "configured-admin-key-0123456789";
        assertThat(service.ensure(secret, "admin (configured)", Set.of("admin"), "unlimited")).isFalse();
        service.create("other", Set.of("admin"), "unlimited");
        long id = service.authenticate(secret).map(p -> Long.parseLong(p.id().substring(4))).orElseThrow();
        service.revoke(id, null);
        assertThat(service.authenticate(secret)).isEmpty();
        assertThat(service.ensure(secret, "admin (configured)", Set.of("admin"), "unlimited")).isTrue();
        assertThat(service.authenticate(secret)).get().satisfies(p -> assertThat(p.scopes()).contains("admin"));
        assertThat(service.ensure(secret, "admin (configured)", Set.of("admin"), "unlimited")).isFalse();
    }

    @Test
    void onlyTheHashIsStoredAndTheSecretAuthenticates() {
        MutableClock clock = new MutableClock(T0);
        ApiKeyService service = new ApiKeyService(db, keys, clock);
        ApiKeyService.Created created = service.create("ci", Set.of("tasks:read", "tasks:write"), "pro");
        String secret = created.secret();
        assertThat(secret).hasSizeGreaterThan(20);

        List<String> cells = db.read(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM api_keys")) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) for (int i = 1; i <= md.getColumnCount(); i++) out.add(rs.getString(i));
            }
            return out;
        });
        assertThat(cells).isNotEmpty();
        for (String cell : cells) {
            if (cell != null) assertThat(cell).as("a stored column").doesNotContain(secret);
        }
        String stored = db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key_hash FROM api_keys")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(stored).isEqualTo(sha256(secret));

        Optional<Principal> p = service.authenticate(secret);
        assertThat(p).isPresent();
        assertThat(p.get().scopes()).containsExactlyInAnyOrder("tasks:read", "tasks:write");
        assertThat(service.authenticate(secret + "x")).isEmpty();
        assertThat(created.key().createdAt()).isEqualTo(T0);
    }

    @Test
    void storeRoundTripRevokeTouchAndUniqueHash() {
        long id = db.write(tx -> keys.insert(tx, "admin", "hash-1", "cox_abcd", Set.of("admin"), Tier.UNLIMITED, null, T0));
        long id2 = db.write(tx -> keys.insert(tx, "reader", "hash-2", "cox_efgh", Set.of(), Tier.STARTER, null, T0.plusSeconds(1)));
        assertThat(id2).isGreaterThan(id);
        ApiKey k = db.read(c -> keys.findByHash(c, "hash-1"));
        assertThat(k).isEqualTo(new ApiKey(id, "admin", "cox_abcd", Set.of("admin"), Tier.UNLIMITED, true, null, T0, null, null));
        assertThat(db.<ApiKey>read(c -> keys.findByHash(c, "nope"))).isNull();
        assertThat(db.read(keys::list)).extracting(ApiKey::id).containsExactly(id, id2);
        assertThat(db.read(keys::countActive)).isEqualTo(2);

        db.write(tx -> {
            keys.touch(tx, id, T0.plusSeconds(5));
            return null;
        });
        assertThat(db.read(c -> keys.findByHash(c, "hash-1")).lastUsedAt()).isEqualTo(T0.plusSeconds(5));

        assertThat(db.<Boolean>write(tx -> keys.revoke(tx, id, T0.plusSeconds(9)))).isTrue();
        assertThat(db.<Boolean>write(tx -> keys.revoke(tx, id, T0.plusSeconds(10)))).as("already revoked").isFalse();
        assertThat(db.<Boolean>write(tx -> keys.revoke(tx, 777, T0))).as("unknown").isFalse();
        ApiKey revoked = db.read(c -> keys.findByHash(c, "hash-1"));
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(9));
        assertThat(db.read(keys::countActive)).isEqualTo(1);

        assertThatThrownBy(() -> db.write(tx -> keys.insert(tx, "dup", "hash-2", "cox_x", Set.of(), Tier.STARTER, null, T0)))
                .isInstanceOf(StoreException.class)
                .cause().isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(db.dialect().isUniqueViolation(e)).as(e.getMessage()).isTrue());
        assertThat(db.read(keys::list)).hasSize(2);
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- aggregates --------------------------------------------------------------------------

    @Test
    void countByStatusAndQueueDepths() {
        assertThat(db.<Map<TaskStatus, Long>>read(c -> tasks.countByStatus(c))).isEmpty();
        assertThat(db.<long[]>read(c -> tasks.queueDepths(c))).containsExactly(0, 0, 0);
        for (int p : new int[]{10, 10, 9, 5, 5, 5, 4, 1}) queued("shell", p, T0);
        insert(nt("shell", 10), TaskStatus.PENDING, T0.plusSeconds(60), 0, T0);
        insert(nt("shell", 1), TaskStatus.FAILED, T0, 0, T0);
        long running = queued("other", 10, T0);
        claim("w", List.of("other"), 1, T0, T0.plusSeconds(30));

        assertThat(db.<long[]>read(c -> tasks.queueDepths(c))).as("high, normal, low").containsExactly(2, 4, 2);
        assertThat(db.<Map<TaskStatus, Long>>read(c -> tasks.countByStatus(c))).isEqualTo(Map.of(TaskStatus.QUEUED, 8L,
                TaskStatus.PENDING, 1L, TaskStatus.FAILED, 1L, TaskStatus.RUNNING, 1L));
        assertThat(find(running).status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void bucketStatsAndCountFinished() {
        Instant from = T0.plusSeconds(100);
        Instant to = T0.plusSeconds(200);
        // completed in the bucket: run 2 s and 4 s; failed in the bucket: run 6.999 s; failed without a start.
        finished(TaskStatus.COMPLETED, T0.plusSeconds(98), from);
        finished(TaskStatus.COMPLETED, T0.plusSeconds(146), T0.plusSeconds(150));
        finished(TaskStatus.FAILED, T0.plusSeconds(193), to.minusMillis(1));
        finished(TaskStatus.FAILED, null, T0.plusSeconds(120));
        // outside the bucket, or not finished
        finished(TaskStatus.COMPLETED, T0.plusSeconds(190), to);
        finished(TaskStatus.COMPLETED, T0.plusSeconds(90), from.minusMillis(1));
        finished(TaskStatus.CANCELLED, T0.plusSeconds(110), T0.plusSeconds(130));
        queued("shell", 5, T0);

        double[] s = db.read(c -> tasks.bucketStats(c, from, to));
        assertThat(s[0]).as("completed").isEqualTo(2);
        assertThat(s[1]).as("failed").isEqualTo(2);
        assertThat(s[2]).as("average run millis of those with a start").isCloseTo((2000 + 4000 + 6999) / 3.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(db.<Long>read(c -> tasks.countFinished(c, TaskStatus.COMPLETED, from, to))).isEqualTo(2);
        assertThat(db.<Long>read(c -> tasks.countFinished(c, TaskStatus.FAILED, from, to))).isEqualTo(2);
        assertThat(db.<Long>read(c -> tasks.countFinished(c, TaskStatus.CANCELLED, from, to))).isEqualTo(1);

        double[] empty = db.read(c -> tasks.bucketStats(c, T0.plusSeconds(1000), T0.plusSeconds(2000)));
        assertThat(empty).containsExactly(0, 0, 0);
    }

    private void finished(TaskStatus st, Instant started, Instant completed) {
        long id = queued("shell", 5, T0);
        update(id, sets("status", st, "started_at", started, "completed_at", completed), null);
    }

    // ---- the write path: group commit, savepoints, read-your-writes ---------------------------

    @Test
    void manyConcurrentWritesAllCommitAndEachGetsItsOwnResult() throws Exception {
        int threads = 8;
        int perThread = 60;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Map<Long, String>>> fs = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int th = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    Map<Long, String> mine = new LinkedHashMap<>();
                    for (int i = 0; i < perThread; i++) {
                        String name = "t" + th + "-" + i;
                        long id = db.write(tx -> tasks.insert(tx, named(name, 5, List.of()), TaskStatus.QUEUED, T0, 0, T0));
                        mine.put(id, name);
                    }
                    return mine;
                }));
            }
            Map<Long, String> all = new LinkedHashMap<>();
            for (Future<Map<Long, String>> f : fs) all.putAll(f.get(100, SECONDS));
            assertThat(all).hasSize(threads * perThread);
            List<Task> rows = list(all(TaskSort.ID, true)).items();
            assertThat(rows).hasSize(threads * perThread);
            for (Task row : rows) assertThat(row.name()).as("row %d", row.id()).isEqualTo(all.get(row.id()));
        } finally {
            pool.shutdownNow();
        }

        // The same through the asynchronous entry point, all in flight at once.
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int k = i;
            futures.add(db.writeAsync(tx -> {
                event("async", tx);
                return k;
            }));
        }
        for (int i = 0; i < futures.size(); i++) assertThat(futures.get(i).get(60, SECONDS)).isEqualTo(i);
        assertThat(events("async")).isEqualTo(500);
    }

    /**
     * Holds every writer thread inside a write until released, so that what is submitted
     * meanwhile waits in the queue and is taken as one batch (on one writer) or a few.
     */
    final class Writers implements AutoCloseable {
        final List<CountDownLatch> releases = new ArrayList<>();
        final List<CompletableFuture<Object>> holds = new ArrayList<>();

        Writers hold(Database d) throws InterruptedException {
            for (int i = 0; i < writerThreads(); i++) {
                CountDownLatch entered = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                releases.add(release);
                holds.add(d.writeAsync(tx -> {
                    entered.countDown();
                    try {
                        release.await(60, SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }).exceptionally(e -> e));
                // The writers that are free take the next op at once; this one must start alone.
                assertThat(entered.await(20, SECONDS)).as("writer %d of %d took its hold", i + 1, writerThreads()).isTrue();
            }
            return this;
        }

        void release(int i) {
            releases.get(i).countDown();
        }

        @Override
        public void close() {
            releases.forEach(CountDownLatch::countDown);
        }
    }

    @Test
    void aFailingOpInABatchRollsBackOnlyItself() throws Exception {
        db.write(tx -> keys.insert(tx, "existing", "taken-hash", "cox_t", Set.of(), Tier.STARTER, null, T0));
        IllegalStateException businessRule = new IllegalStateException("business rule says no");
        Set<String> afterCommitRan = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<String>> ok = new ArrayList<>();
        CompletableFuture<String> thrown;
        CompletableFuture<String> violated;
        try (Writers w = new Writers().hold(db)) {
            for (int i = 0; i < 20; i++) ok.add(okOp(i, afterCommitRan));
            // Writes a row, then fails with an exception: its row must not survive.
            thrown = db.writeAsync(tx -> {
                event("gc.bad.thrown", tx);
                tx.afterCommit(() -> afterCommitRan.add("thrown"));
                throw businessRule;
            });
            for (int i = 20; i < 40; i++) ok.add(okOp(i, afterCommitRan));
            // Writes a row, then breaks a constraint: on PostgreSQL this aborts the transaction
            // unless the op is rolled back to its savepoint.
            violated = db.writeAsync(tx -> {
                event("gc.bad.sql", tx);
                tx.afterCommit(() -> afterCommitRan.add("violated"));
                keys.insert(tx, "dup", "taken-hash", "cox_d", Set.of(), Tier.STARTER, null, T0);
                return "unreachable";
            });
            for (int i = 40; i < 60; i++) ok.add(okOp(i, afterCommitRan));
        }
        for (int i = 0; i < ok.size(); i++) assertThat(ok.get(i).get(60, SECONDS)).isEqualTo("ok" + i);
        assertThatThrownBy(() -> thrown.get(60, SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isSameAs(businessRule);
        assertThatThrownBy(() -> violated.get(60, SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(db.dialect().isUniqueViolation(e)).as(e.getMessage()).isTrue());

        assertThat(events("gc.ok")).isEqualTo(60);
        assertThat(events("gc.bad.thrown")).isZero();
        assertThat(events("gc.bad.sql")).isZero();
        assertThat(count("SELECT COUNT(*) FROM api_keys")).isEqualTo(1);
        assertThat(afterCommitRan).hasSize(60).doesNotContain("thrown", "violated");
    }

    private CompletableFuture<String> okOp(int i, Set<String> afterCommitRan) {
        return db.writeAsync(tx -> {
            event("gc.ok", tx);
            tx.afterCommit(() -> afterCommitRan.add("ok" + i));
            return "ok" + i;
        });
    }

    @Test
    void aFailingWriteAloneIsRolledBackAndItsErrorRethrown() {
        IllegalArgumentException rule = new IllegalArgumentException("no");
        assertThatThrownBy(() -> db.write(tx -> {
            event("alone.bad", tx);
            throw rule;
        })).isSameAs(rule);
        assertThatThrownBy(() -> db.write(tx -> {
            event("alone.sql", tx);
            try (Statement s = tx.connection().createStatement()) {
                s.execute("SELECT * FROM no_such_table");
            }
            return null;
        })).isInstanceOf(StoreException.class).hasCauseInstanceOf(SQLException.class);
        assertThat(events("alone.bad")).isZero();
        assertThat(events("alone.sql")).isZero();
        // and the writer carries on
        db.write(tx -> {
            event("alone.ok", tx);
            return null;
        });
        assertThat(events("alone.ok")).isEqualTo(1);
    }

    @Test
    void anErrorThrownByAWriteReachesItsCallerAndTheWriterCarriesOn() throws Exception {
        final class Boom extends Error {
            Boom() {
                super("boom");
            }
        }
        CompletableFuture<Object> f = db.writeAsync(tx -> {
            event("error.bad", tx);
            throw new Boom();
        });
        assertThatThrownBy(() -> f.get(20, SECONDS)).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Boom.class);
        assertThat(db.writeAsync(tx -> {
            event("error.after", tx);
            return "fine";
        }).get(20, SECONDS)).isEqualTo("fine");
        assertThat(events("error.bad")).isZero();
        assertThat(events("error.after")).isEqualTo(1);
    }

    @Test
    void afterCommitActionsRunOnceTheWriteIsVisible() {
        AtomicReference<Task> seenAfterCommit = new AtomicReference<>();
        AtomicBoolean ranBeforeReturn = new AtomicBoolean();
        long id = db.write(tx -> {
            long newId = tasks.insert(tx, nt("shell", 5), TaskStatus.QUEUED, T0, 0, T0);
            tx.afterCommit(() -> {
                seenAfterCommit.set(find(newId));
                ranBeforeReturn.set(true);
            });
            return newId;
        });
        assertThat(ranBeforeReturn).isTrue();
        assertThat(seenAfterCommit.get()).isNotNull();
        assertThat(seenAfterCommit.get().id()).isEqualTo(id);
    }

    @Test
    void aWriteIsVisibleToAReadRightAfterItReturns() {
        for (int i = 0; i < 200; i++) {
            long id = queued("shell", 5, T0);
            assertThat(find(id)).as("read after insert %d", i).isNotNull();
            int prio = 1 + i % 10;
            update(id, sets("priority", prio, "updated_at", T0.plusMillis(i)), null);
            Task t = find(id);
            assertThat(t.priority()).isEqualTo(prio);
            assertThat(t.updatedAt()).isEqualTo(T0.plusMillis(i));
            long n = i + 1;
            assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(n);
        }
        // and after an asynchronous write's future completes
        for (int i = 0; i < 50; i++) {
            long id = db.writeAsync(tx -> tasks.insert(tx, nt("async", 5), TaskStatus.QUEUED, T0, 0, T0)).join();
            assertThat(find(id)).isNotNull();
        }
    }

    @Test
    void closeCommitsWhatWasSubmittedThenRefusesWrites() throws Exception {
        Database d = node();
        List<CompletableFuture<Object>> fs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            fs.add(d.writeAsync(tx -> {
                event("drained", tx);
                return null;
            }));
        }
        d.close();
        for (CompletableFuture<Object> f : fs) {
            assertThat(f).isCompleted();
            assertThat(f.isCompletedExceptionally()).isFalse();
        }
        assertThat(events("drained")).isEqualTo(300);
        assertThatThrownBy(() -> d.write(tx -> null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeStopsEveryWriterWhileWritesAreQueued() throws Exception {
        Database d = node();
        Thread closer;
        CompletableFuture<String> queuedWrite;
        try (Writers w = new Writers().hold(d)) {
            queuedWrite = d.writeAsync(tx -> {
                event("queued-at-close", tx);
                return "written";
            });
            closer = Thread.ofPlatform().name("closer").start(d::close);
            // close() has queued its stop markers once it waits for the writers to finish.
            await().atMost(20, SECONDS).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
            // One writer comes free first and finds the queued write and all the stop markers.
            w.release(0);
            assertThat(queuedWrite.get(20, SECONDS)).isEqualTo("written");
        }
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(closer.isAlive()).as("close() still waiting for a writer thread after 10 s").isFalse();
        assertThat(events("queued-at-close")).isEqualTo(1);
    }
}
