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
}
