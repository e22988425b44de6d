package dev.coxswain.core.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskSort;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.exec.Completion;
import dev.coxswain.core.exec.ExecutionResult;
import dev.coxswain.core.testing.MutableClock;
import dev.coxswain.core.testing.RollupCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rollups ({@link TaskRollups}) against the tasks they count, on each database: after any mix
 * of the store's writes — inserts, promotions, claims, completions, failures, retries, cancels,
 * requeues, priority changes, released dependencies, deletes, ops rolled back inside a group
 * commit — they equal what a computation from scratch over the tasks table gives, and the reads
 * built on them answer what the same questions asked of the tasks table answer.
 */
@Timeout(value = 300, unit = SECONDS)
abstract class TaskRollupsContract {
    /** A Tuesday, 23:58: the first writes cross a minute, an hour and a day. */
    static final Instant T0 = Instant.parse("2030-01-01T23:58:00Z");
    private static final List<String> TYPES = List.of("a", "b");
    private static final String[] ORIGINS = {null, "device", "schedule"};

    /** A database on this test's store; a second call opens it again (migrations run again, none left to apply). */
    protected abstract Database open();

    protected abstract void cleanup();

    /** The migration that creates and fills the rollups on this database. */
    protected abstract int rollupMigration();

    protected Database db;
    protected TaskStore tasks;
    private final MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void openStore() {
        db = open();
        tasks = new TaskStore(db.dialect());
    }

    @AfterEach
    void closeStore() {
        try {
            if (db != null) db.close();
        } finally {
            cleanup();
        }
    }

    // ---- the mix -------------------------------------------------------------------------------

    @Test
    void aRandomMixOfWritesKeepsTheRollupsEqualToTheTasks() throws Exception {
        Random rnd = new Random(14);
        List<Long> ids = new ArrayList<>();
        Set<TaskStatus> seen = java.util.EnumSet.noneOf(TaskStatus.class);
        for (int round = 0; round < 60; round++) {
            // Several ops at once, so that the group committer puts them in one transaction.
            List<CompletableFuture<Object>> ops = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                long seed = rnd.nextLong();
                Instant now = clock.instant();
                ops.add(db.writeAsync(tx -> {
                    step(tx, new Random(seed), ids, now);
                    return null;
                }));
            }
            for (CompletableFuture<Object> f : ops) f.join();
            clock.advance(Duration.ofSeconds(rnd.nextInt(900)));
            assertEqualToTheTasks();
            seen.addAll(db.read(c -> tasks.countByStatus(c)).keySet());
        }
        assertThat(seen).as("statuses the mix reached").containsExactlyInAnyOrder(TaskStatus.values());
    }

    /** One op: a few random writes of the store's kinds. */
    private void step(Tx tx, Random rnd, List<Long> ids, Instant now) throws SQLException {
        for (int i = 0; i < 4; i++) {
            int what = rnd.nextInt(12);
            switch (what) {
                case 0, 1 -> {
                    List<Long> deps = new ArrayList<>();
                    synchronized (ids) {
                        if (!ids.isEmpty() && rnd.nextInt(4) == 0) deps.add(ids.get(rnd.nextInt(ids.size())));
                    }
                    deps.removeIf(d -> {
                        try {
                            return tasks.findForUpdate(tx, d) == null;
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    TaskStatus st = deps.isEmpty() && rnd.nextBoolean() ? TaskStatus.QUEUED : TaskStatus.PENDING;
                    Instant runAt = now.plusSeconds(rnd.nextInt(3) * 60L);
                    long id = tasks.insert(tx, task(rnd, deps), st, runAt, deps.size(), now);
                    synchronized (ids) {
                        ids.add(id);
                    }
                }
                case 2 -> tasks.promoteDue(tx, now);
                case 3 -> tasks.claim(tx, "w" + rnd.nextInt(2), TYPES, 1 + rnd.nextInt(4), now, now.plusSeconds(60));
                case 4, 5 -> {
                    List<Completion> done = new ArrayList<>();
                    for (Task t : running(tx, 1 + rnd.nextInt(4))) {
                        done.add(new Completion(t.id(), t.attempt(), t.workerId(), Completion.Outcome.RESULT,
                                ExecutionResult.ok(0, "ok"), t.startedAt(), now.plusMillis(rnd.nextInt(59_000))));
                    }
                    tasks.completeAll(tx, done);
                    for (Completion c : done) {
                        if (rnd.nextBoolean()) tasks.dependencyCompleted(tx, c.taskId(), now);
                    }
                }
                case 6 -> {
                    Task t = any(tx, rnd, "running");
                    if (t != null) {
                        tasks.update(tx, t.id(), sets("status", TaskStatus.FAILED, "completed_at", now.plusMillis(rnd.nextInt(1000)),
                                "updated_at", now, "worker_id", null), TaskStatus.RUNNING);
                    }
                }
                case 7 -> {
                    Task t = any(tx, rnd, rnd.nextBoolean() ? "failed" : "cancelled");
                    if (t != null) {
                        tasks.update(tx, t.id(), sets("status", TaskStatus.PENDING, "completed_at", null, "run_at", now,
                                "updated_at", now, "retry_count", t.retryCount() + 1), null);
                    }
                }
                case 8 -> {
                    Task t = any(tx, rnd, switch (rnd.nextInt(3)) {
                        case 0 -> "queued";
                        case 1 -> "pending";
                        default -> "running";
                    });
                    if (t != null) {
                        tasks.update(tx, t.id(), sets("status", TaskStatus.CANCELLED, "completed_at", now, "updated_at", now),
                                t.status());
                    }
                }
                case 9 -> {
                    Task t = any(tx, rnd, "running");
                    if (t != null) {
                        tasks.update(tx, t.id(), sets("status", TaskStatus.QUEUED, "worker_id", null, "lease_until", null,
                                "updated_at", now), TaskStatus.RUNNING);
                    }
                    Task q = any(tx, rnd, "queued");
                    if (q != null) {
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("priority", 1 + rnd.nextInt(10));
                        p.put("name", "renamed");
                        tasks.update(tx, q.id(), p, TaskStatus.QUEUED);
                        tasks.update(tx, q.id(), Map.of("name", "again"), null); // counts nothing: no read, no change
                    }
                    Task r = any(tx, rnd, "queued");
                    if (r != null) tasks.claimById(tx, r.id(), "w9", now, now.plusSeconds(60));
                }
                case 10 -> {
                    Task t = any(tx, rnd, rnd.nextBoolean() ? "completed" : "failed");
                    if (t != null && tasks.dependents(tx.connection(), t.id(), false).isEmpty()) tasks.delete(tx, t.id());
                }
                default -> {
                    // A finished task moved in time by a correction of both stamps (a counted
                    // column written without a status change).
                    Task t = any(tx, rnd, "completed");
                    if (t != null) {
                        tasks.update(tx, t.id(), sets("started_at", now.minusSeconds(90), "completed_at", now), null);
                    }
                }
            }
        }
    }

    @Test
    void anOpRolledBackInsideAGroupCommitTakesItsCountsWithIt() {
        List<CompletableFuture<Object>> ops = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            boolean fails = k % 3 == 1;
            ops.add(db.writeAsync(tx -> {
                long id = tasks.insert(tx, task(new Random(1), List.of()), TaskStatus.QUEUED, T0, 0, T0);
                tasks.update(tx, id, sets("status", TaskStatus.CANCELLED, "completed_at", T0.plusSeconds(5)), TaskStatus.QUEUED);
                if (fails) throw new IllegalStateException("rolled back");
                return null;
            }));
        }
        int failed = 0;
        for (CompletableFuture<Object> f : ops) {
            try {
                f.join();
            } catch (RuntimeException e) {
                failed++;
            }
        }
        assertThat(failed).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(5);
        assertEqualToTheTasks();
    }

    // ---- reads -------------------------------------------------------------------------------

    @Test
    void theReadsAnswerWhatTheTasksTableAnswers() throws Exception {
        Random rnd = new Random(7);
        fillRaw(rnd, 3_000);
        db.write(tx -> {
            new TaskRollups(db.dialect()).rebuild(tx);
            return null;
        });
        assertEqualToTheTasks();
        db.read(c -> {
            assertThat(tasks.countByStatus(c)).isEqualTo(scratchByStatus(c, null));
            assertThat(new TaskRollups(db.dialect()).countByStatus(c, "device")).isEqualTo(scratchByStatus(c, "device"));
            assertThat(tasks.queueDepths(c)).containsExactly(scratchQueueDepths(c));
            for (int i = 0; i < 40; i++) {
                // Whole minutes mostly, and some ends inside a minute (read from the tasks).
                long from = T0.toEpochMilli() - rnd.nextInt(3 * 86_400) * 1000L;
                long to = from + rnd.nextInt(2 * 86_400) * 1000L;
                if (i % 2 == 0) {
                    from = from / 60_000 * 60_000;
                    to = to / 60_000 * 60_000;
                }
                for (TaskStatus s : List.of(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED)) {
                    assertThat(tasks.countFinished(c, s, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)))
                            .as("%s in [%d, %d)", s, from, to).isEqualTo(scratchFinished(c, s, from, to));
                }
                assertThat(tasks.bucketStats(c, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)))
                        .as("[%d, %d)", from, to).containsExactly(scratchBucketStats(c, from, to));
            }
            Page total = new Page(tasks.list(c, new TaskQuery(Set.of(), null, null, TaskSort.PRIORITY, false, 0, 5)).total(),
                    tasks.list(c, new TaskQuery(Set.of(TaskStatus.QUEUED, TaskStatus.FAILED), null, null, TaskSort.ID, false, 0, 5)).total());
            assertThat(total).isEqualTo(new Page(count(c, "SELECT COUNT(*) FROM tasks"),
                    count(c, "SELECT COUNT(*) FROM tasks WHERE status IN ('queued', 'failed')")));
            assertThat(tasks.list(c, new TaskQuery(Set.of(), "fifth", null, TaskSort.CREATED_AT, false, 0, 5)).total())
                    .isEqualTo(count(c, "SELECT COUNT(*) FROM tasks WHERE id IN (SELECT task_id FROM task_tags WHERE tag = 'fifth')"))
                    .isPositive();
            // A common tag's page walks the sort index (created_at, priority, id); other sorts read the tag's rows and sort them.
            for (TaskSort sort : List.of(TaskSort.CREATED_AT, TaskSort.PRIORITY, TaskSort.ID, TaskSort.NAME)) {
                for (boolean asc : List.of(false, true)) {
                    List<Long> got = tasks.list(c, new TaskQuery(Set.of(), "fifth", null, sort, asc, 7, 9)).items().stream()
                            .map(Task::id).toList();
                    String dir = asc ? " ASC" : " DESC";
                    List<Long> want = ids(c, "SELECT id FROM tasks WHERE id IN (SELECT task_id FROM task_tags WHERE tag = 'fifth')"
                            + " ORDER BY " + sort.column() + dir + ", id" + dir + " LIMIT 9 OFFSET 7");
                    assertThat(got).as("%s %s", sort, dir).hasSize(9).isEqualTo(want);
                }
            }
            return null;
        });
    }

    private record Page(long all, long queuedOrFailed) {
    }

    @Test
    void theMigrationFillsTheRollupsFromTheTasksAlreadyStored() throws Exception {
        fillRaw(new Random(3), 2_000);
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute("DROP TABLE task_counts");
                s.execute("DROP TABLE task_finished");
                s.execute("DROP INDEX ix_tasks_priority");
                s.execute("DELETE FROM schema_version WHERE version = " + rollupMigration());
            }
            return null;
        });
        db.close();
        db = open(); // an upgrade: the migration runs again on a store that has tasks
        assertThat(count("SELECT COUNT(*) FROM schema_version WHERE version = " + rollupMigration())).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM task_counts")).isPositive();
        assertEqualToTheTasks();
    }

    @Test
    void aRangeIsCutIntoTheCoarsestWholePieces() {
        long day = TaskRollups.DAY, hour = TaskRollups.HOUR, minute = TaskRollups.MINUTE;
        long from = 10 * day - 90 * minute - 1500; // 22:28:58.5 the day before
        long to = 12 * day + 2 * hour + 3 * minute + 250;
        List<long[]> p = TaskRollups.pieces(from, to);
        assertThat(p).extracting(a -> List.of(a[0], a[1], a[2])).containsExactly(
                List.of(0L, from, 10 * day - 90 * minute),
                List.of(minute, 10 * day - 90 * minute, 10 * day - hour),
                List.of(hour, 10 * day - hour, 10 * day),
                List.of(day, 10 * day, 12 * day),
                List.of(hour, 12 * day, 12 * day + 2 * hour),
                List.of(minute, 12 * day + 2 * hour, 12 * day + 2 * hour + 3 * minute),
                List.of(0L, 12 * day + 2 * hour + 3 * minute, to));
        assertThat(TaskRollups.pieces(5 * minute, 5 * minute)).isEmpty();
        assertThat(TaskRollups.floor(-1, minute)).isEqualTo(-minute);
    }

    // ---- from scratch --------------------------------------------------------------------------

    /** The rollup tables (stripes added up, zero rows left out) equal a computation over the tasks. */
    private void assertEqualToTheTasks() {
        RollupCheck.assertEqualToTheTasks(db);
    }

    private static Map<TaskStatus, Long> scratchByStatus(Connection c, String origin) throws SQLException {
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM tasks"
                + (origin == null ? "" : " WHERE origin_kind = ?") + " GROUP BY status")) {
            if (origin != null) ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(TaskStatus.fromWire(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    private static long[] scratchQueueDepths(Connection c) throws SQLException {
        return new long[]{count(c, "SELECT COUNT(*) FROM tasks WHERE status = 'queued' AND priority >= 10"),
                count(c, "SELECT COUNT(*) FROM tasks WHERE status = 'queued' AND priority BETWEEN 5 AND 9"),
                count(c, "SELECT COUNT(*) FROM tasks WHERE status = 'queued' AND priority < 5")};
    }

    private static long scratchFinished(Connection c, TaskStatus s, long from, long to) throws SQLException {
        return count(c, "SELECT COUNT(*) FROM tasks WHERE completed_at >= " + from + " AND completed_at < " + to
                + " AND status = '" + s.wire() + "'");
    }

    /** What TaskStore.bucketStats computed from the tasks before the rollups. */
    private static double[] scratchBucketStats(Connection c, long from, long to) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT"
                + " SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),"
                + " AVG(CASE WHEN started_at IS NOT NULL THEN completed_at - started_at END)"
                + " FROM tasks WHERE completed_at >= " + from + " AND completed_at < " + to
                + " AND status IN ('completed', 'failed')")) {
            rs.next();
            return new double[]{rs.getLong(1), rs.getLong(2), rs.getDouble(3)};
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Tasks written around the store classes (as a bulk load or an older version left them), no rollups. */
    private void fillRaw(Random rnd, int n) {
        String[] statuses = {"pending", "queued", "running", "completed", "completed", "completed", "failed", "cancelled"};
        db.write(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO tasks (type, name, payload, status, priority,"
                    + " run_at, created_at, updated_at, started_at, completed_at, max_retries, backoff, timeout_seconds, origin_kind)"
                    + " VALUES (?, 'raw', '{}', ?, ?, 0, 0, 0, ?, ?, 0, 'exponential', 60, ?)")) {
                for (int i = 0; i < n; i++) {
                    String st = statuses[rnd.nextInt(statuses.length)];
                    boolean finished = Set.of("completed", "failed", "cancelled").contains(st);
                    long completed = T0.toEpochMilli() - rnd.nextInt(4 * 86_400_000);
                    ps.setString(1, TYPES.get(rnd.nextInt(2)));
                    ps.setString(2, st);
                    ps.setInt(3, 1 + rnd.nextInt(10));
                    if (finished && rnd.nextInt(5) > 0 || st.equals("running")) ps.setLong(4, completed - rnd.nextInt(100_000));
                    else ps.setNull(4, java.sql.Types.BIGINT);
                    if (finished) ps.setLong(5, completed);
                    else ps.setNull(5, java.sql.Types.BIGINT);
                    ps.setString(6, ORIGINS[rnd.nextInt(ORIGINS.length)]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement s = tx.connection().createStatement()) {
                s.execute("INSERT INTO task_tags (tag, task_id) SELECT 'fifth', id FROM tasks WHERE id % 5 = 0");
            }
            return null;
        });
    }

    private static NewTask task(Random rnd, List<Long> deps) {
        return new NewTask(TYPES.get(rnd.nextInt(TYPES.size())), "t", null, Json.object(), 1 + rnd.nextInt(10), 0, "exponential",
                null, 300, List.of(), deps, false, ORIGINS[rnd.nextInt(ORIGINS.length)], null);
    }

    private List<Task> running(Tx tx, int limit) throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT id FROM tasks WHERE status = 'running' ORDER BY id LIMIT " + limit);
             ResultSet rs = ps.executeQuery()) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) ids.add(rs.getLong(1));
            // PostgreSQL's second writer may delete one between the read and the lock.
            for (long id : ids) {
                Task t = tasks.findForUpdate(tx, id);
                if (t != null && t.status() == TaskStatus.RUNNING) out.add(t);
            }
        }
        return out;
    }

    private Task any(Tx tx, Random rnd, String status) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT id FROM tasks WHERE status = ? ORDER BY id")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
        }
        return ids.isEmpty() ? null : tasks.findForUpdate(tx, ids.get(rnd.nextInt(ids.size())));
    }

    private static Map<String, Object> sets(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static List<Long> ids(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getLong(1));
        }
        return out;
    }

    private long count(String sql) {
        return db.read(c -> count(c, sql));
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
