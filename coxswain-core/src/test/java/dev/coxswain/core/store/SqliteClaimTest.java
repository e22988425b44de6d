package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite claim: queue order, and a plan that reads the queue index instead of sorting the backlog. */
class SqliteClaimTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static NewTask task(int priority) {
        return new NewTask("noop", "t", null, Json.object(), priority, 0, "exponential", null, 60,
                List.of(), List.of(), false, null, null);
    }

    @Test
    void claimsHighestPriorityThenOldestFirst() {
        try (Database db = Database.sqlite(dir, false)) {
            TaskStore tasks = new TaskStore(db.dialect());
            int[] priorities = {5, 9, 5, 1, 9};
            List<Long> ids = db.write(tx -> {
                List<Long> out = new ArrayList<>();
                for (int p : priorities) out.add(tasks.insert(tx, task(p), TaskStatus.QUEUED, NOW, 0, NOW));
                return out;
            });
            List<Task> claimed = db.write(tx -> tasks.claim(tx, "w", List.of("noop"), 3, NOW, NOW.plusSeconds(30)));
            assertThat(claimed).extracting(Task::id).containsExactly(ids.get(1), ids.get(4), ids.get(0));
            assertThat(claimed).allSatisfy(t -> {
                assertThat(t.status()).isEqualTo(TaskStatus.RUNNING);
                assertThat(t.workerId()).isEqualTo("w");
            });
        }
    }

    @Test
    void claimPlanUsesTheQueueIndexWithoutSorting() {
        try (Database db = Database.sqlite(dir, false)) {
            String sql = db.dialect().claimSql(2, TaskStore.COLUMNS);
            List<String> plan = db.write(tx -> {
                List<String> rows = new ArrayList<>();
                try (PreparedStatement ps = tx.connection().prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                    int i = 1;
                    ps.setString(i++, "w");
                    ps.setLong(i++, 0);
                    ps.setLong(i++, 0);
                    ps.setLong(i++, 0);
                    ps.setLong(i++, 0);
                    ps.setString(i++, "w");
                    ps.setString(i++, "noop");
                    ps.setString(i++, "shell");
                    ps.setInt(i, 64);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) rows.add(rs.getString("detail"));
                    }
                }
                return rows;
            });
            assertThat(plan).anyMatch(r -> r.contains("ix_tasks_queue"));
            assertThat(plan).noneMatch(r -> r.contains("TEMP B-TREE"));
        }
    }

    private static NewTask routed(int priority) {
        return new NewTask("noop", "r", null, Json.object().set("requirements", Json.object().put("gpu", true)), priority, 0,
                "exponential", null, 60, List.of(), List.of(), false, null, null);
    }

    @Test
    void routedCandidatesAreTheRoutedQueuedTasksInClaimOrder() {
        try (Database db = Database.sqlite(dir, false)) {
            TaskStore tasks = new TaskStore(db.dialect());
            List<Long> ids = db.write(tx -> {
                List<Long> out = new ArrayList<>();
                out.add(tasks.insert(tx, routed(5), TaskStatus.QUEUED, NOW, 0, NOW));
                out.add(tasks.insert(tx, task(9), TaskStatus.QUEUED, NOW, 0, NOW)); // not routed
                out.add(tasks.insert(tx, routed(9), TaskStatus.QUEUED, NOW, 0, NOW));
                out.add(tasks.insert(tx, routed(9), TaskStatus.PENDING, NOW, 0, NOW)); // not queued
                out.add(tasks.insert(tx, routed(5), TaskStatus.QUEUED, NOW, 0, NOW));
                return out;
            });
            List<TaskStore.RoutedCandidate> got = db.read(c -> tasks.routedCandidates(c, List.of("noop"), 32));
            assertThat(got).extracting(TaskStore.RoutedCandidate::id).containsExactly(ids.get(2), ids.get(0), ids.get(4));
            assertThat(got).allSatisfy(rc -> assertThat(rc.requirements().path("gpu").asBoolean()).isTrue());
            List<TaskStore.RoutedCandidate> first = db.read(c -> tasks.routedCandidates(c, List.of("noop"), 1));
            assertThat(first).extracting(TaskStore.RoutedCandidate::id).containsExactly(ids.get(2));
        }
    }

    /**
     * Every held poll of a remote worker asks for routed candidates in every dispatch pass. Left to
     * itself SQLite read every queued task through the status index and sorted them (O(backlog)
     * in the single writer: remote throughput fell threefold with 20,000 queued).
     */
    @Test
    void routedCandidatesPlanUsesTheRoutedIndexWithoutSorting() {
        try (Database db = Database.sqlite(dir, false)) {
            TaskStore tasks = new TaskStore(db.dialect());
            db.write(tx -> {
                for (int i = 0; i < 200; i++) tasks.insert(tx, task(5), TaskStatus.QUEUED, NOW, 0, NOW);
                return null;
            });
            String sql = "SELECT id, payload FROM " + db.dialect().routedQueue() + " WHERE status = 'queued' AND routed = 1"
                    + " AND type IN (?, ?) ORDER BY priority DESC, id LIMIT ?";
            List<String> plan = db.read(c -> {
                List<String> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                    ps.setString(1, "noop");
                    ps.setString(2, "shell");
                    ps.setInt(3, 32);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) rows.add(rs.getString("detail"));
                    }
                }
                return rows;
            });
            assertThat(plan).anyMatch(r -> r.contains("ix_tasks_routed_queue"));
            assertThat(plan).noneMatch(r -> r.contains("TEMP B-TREE"));
        }
    }

    /** Tasks are read by column position: every field must come back as written. */
    @Test
    void aTaskReadsBackFieldByField() {
        try (Database db = Database.sqlite(dir, false)) {
            TaskStore tasks = new TaskStore(db.dialect());
            NewTask t = new NewTask("shell", "name-1", "desc", Json.object().put("command", "true"), 7, 3, "fixed:5",
                    NOW.plusSeconds(60), 90, List.of("a", "b"), List.of(), true, "schedule", "sched-1");
            long id = db.write(tx -> tasks.insert(tx, t, TaskStatus.PENDING, NOW.plusSeconds(60), 0, NOW));
            Task read = db.read(c -> tasks.find(c, id));
            assertThat(read.id()).isEqualTo(id);
            assertThat(read.type()).isEqualTo("shell");
            assertThat(read.name()).isEqualTo("name-1");
            assertThat(read.description()).isEqualTo("desc");
            assertThat(read.payload().path("command").asText()).isEqualTo("true");
            assertThat(read.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(read.priority()).isEqualTo(7);
            assertThat(read.runAt()).isEqualTo(NOW.plusSeconds(60));
            assertThat(read.createdAt()).isEqualTo(NOW);
            assertThat(read.updatedAt()).isEqualTo(NOW);
            assertThat(read.startedAt()).isNull();
            assertThat(read.completedAt()).isNull();
            assertThat(read.maxRetries()).isEqualTo(3);
            assertThat(read.backoff()).isEqualTo("fixed:5");
            assertThat(read.timeoutSeconds()).isEqualTo(90);
            assertThat(read.tags()).containsExactly("a", "b");
            assertThat(read.workerId()).isNull();
            assertThat(read.exitCode()).isNull();
            assertThat(read.checkpointEnabled()).isTrue();
            assertThat(read.originKind()).isEqualTo("schedule");
            assertThat(read.originId()).isEqualTo("sched-1");
            assertThat(read.scheduledAt()).isEqualTo(NOW.plusSeconds(60));
            assertThat(read.progress()).isNull();

            long queued = db.write(tx -> tasks.insert(tx, task(5), TaskStatus.QUEUED, NOW, 0, NOW));
            Task claimed = db.write(tx -> tasks.claim(tx, "w-1", List.of("noop"), 1, NOW.plusSeconds(1), NOW.plusSeconds(31))).get(0);
            assertThat(claimed.id()).isEqualTo(queued);
            assertThat(claimed.status()).isEqualTo(TaskStatus.RUNNING);
            assertThat(claimed.workerId()).isEqualTo("w-1");
            assertThat(claimed.startedAt()).isEqualTo(NOW.plusSeconds(1));
            assertThat(claimed.leaseUntil()).isEqualTo(NOW.plusSeconds(31));
            assertThat(claimed.attempt()).isEqualTo(1);
        }
    }
}
