package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's reads of a schedule's history and a worker's newest tasks walk their index in
 * order and stop after a page, on both databases: no sort of a worker's or a schedule's whole
 * past, and no backward walk of the newest tasks in search of an old worker's or schedule's (the
 * data here is that trap: w1's and schedule 1's tasks are a quarter of all and the oldest).
 */
class DashboardReadPlansTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static NewTask run(String schedule) {
        return new NewTask("noop", "t", null, Json.object(), 5, 0, "exponential", null, 60, List.of(), List.of(), false,
                schedule == null ? null : ScheduleStore.ORIGIN, schedule);
    }

    /** {@code perWorker} finished tasks for each of w1..w4, w1's also runs of schedule 1, the rest of schedule 2. */
    private static void fill(Database db, int perWorker) {
        TaskStore tasks = new TaskStore(db.dialect());
        db.write(tx -> {
            for (int w = 1; w <= 4; w++) {
                for (int i = 0; i < perWorker; i++) {
                    long id = tasks.insert(tx, run(w == 1 ? "1" : "2"), TaskStatus.COMPLETED, NOW, 0, NOW.plusMillis(i));
                    TaskStore.exec(tx.connection(), "UPDATE tasks SET worker_id = ? WHERE id = ?", "w" + w, id);
                }
            }
            return null;
        });
    }

    private static List<String> plan(Connection c, String explain, String sql, Object... args) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(explain + sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(rs.getString(explain.contains("QUERY PLAN") ? 4 : 1));
            }
        }
        return rows;
    }

    @Test
    void sqliteReadsBothFromTheirIndexesWithoutSorting() {
        try (Database db = Database.sqlite(dir, false)) {
            fill(db, 200);
            List<String> worker = db.read(c -> plan(c, "EXPLAIN QUERY PLAN ", TaskStore.RECENT_OF_WORKER, "w1", "w1", 20));
            assertThat(worker).as("%s", worker).anyMatch(r -> r.contains("ix_tasks_worker_created"))
                    .noneMatch(r -> r.contains("TEMP B-TREE"));
            for (boolean before : new boolean[] {false, true}) {
                Object[] args = before ? new Object[] {"1", "1", 150L, 21} : new Object[] {"1", "1", 21};
                List<String> runs = db.read(c -> plan(c, "EXPLAIN QUERY PLAN ", ScheduleStore.recentRunsSql(before), args));
                assertThat(runs).as("%s", runs).anyMatch(r -> r.contains("ix_tasks_origin"))
                        .noneMatch(r -> r.contains("TEMP B-TREE"));
            }
        }
    }

    @Test
    void postgresReadsBothFromTheirIndexes() {
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres(); Database db = pg.open()) {
            fill(db, 3_000);
            db.write(tx -> {
                try (Statement s = tx.connection().createStatement()) {
                    s.execute("ANALYZE tasks");
                }
                return null;
            });
            List<String> worker = db.read(c -> plan(c, "EXPLAIN ", TaskStore.RECENT_OF_WORKER, "w1", "w1", 20));
            assertThat(worker).as(String.join("\n", worker)).anyMatch(r -> r.contains("ix_tasks_worker_created"))
                    .noneMatch(r -> r.contains("Seq Scan")).noneMatch(r -> r.contains("ix_tasks_created "));
            for (boolean before : new boolean[] {false, true}) {
                Object[] args = before ? new Object[] {"1", "1", 1_500L, 21} : new Object[] {"1", "1", 21};
                List<String> runs = db.read(c -> plan(c, "EXPLAIN ", ScheduleStore.recentRunsSql(before), args));
                assertThat(runs).as(String.join("\n", runs)).anyMatch(r -> r.contains("ix_tasks_origin"))
                        .noneMatch(r -> r.contains("Seq Scan")).noneMatch(r -> r.contains("tasks_pkey"))
                        .noneMatch(r -> r.trim().startsWith("Sort"));
            }
        }
    }
}
