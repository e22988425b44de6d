package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.testing.TestDatabases;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL claim when the planner's statistics are stale: taken while the queue was short,
 * then a burst arrives. The claim must still walk the queue index rather than sort the backlog.
 */
class PostgresClaimPlanTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private static NewTask task(int priority) {
        return new NewTask("noop", "t", null, Json.object(), priority, 0, "exponential", null, 60,
                List.of(), List.of(), false, null, null);
    }

    @Test
    void claimWalksTheQueueIndexAfterABurstTheStatisticsMissed() {
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres(); Database db = pg.open()) {
            TaskStore tasks = new TaskStore(db.dialect());
            // Statistics of a quiet queue: many finished tasks, a handful queued.
            db.write(tx -> {
                for (int i = 0; i < 2_000; i++) tasks.insert(tx, task(5), TaskStatus.COMPLETED, NOW, 0, NOW);
                for (int i = 0; i < 5; i++) tasks.insert(tx, task(5), TaskStatus.QUEUED, NOW, 0, NOW);
                return null;
            });
            db.write(tx -> {
                try (Statement s = tx.connection().createStatement()) {
                    s.execute("ANALYZE tasks");
                }
                return null;
            });
            // The burst.
            List<Long> burst = db.write(tx -> {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 3_000; i++) ids.add(tasks.insert(tx, task(i == 1_500 ? 9 : 5), TaskStatus.QUEUED, NOW, 0, NOW));
                return ids;
            });

            List<String> plan = db.write(tx -> {
                List<String> rows = new ArrayList<>();
                db.dialect().beforeClaim(tx.connection());
                try (PreparedStatement ps = tx.connection().prepareStatement("EXPLAIN " + db.dialect().claimSql(1, TaskStore.COLUMNS))) {
                    ps.setString(1, "w");
                    ps.setLong(2, 0);
                    ps.setLong(3, 0);
                    ps.setLong(4, 0);
                    ps.setLong(5, 0);
                    ps.setString(6, "w");
                    ps.setString(7, "noop");
                    ps.setInt(8, 64);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) rows.add(rs.getString(1));
                    }
                }
                db.dialect().afterClaim(tx.connection());
                return rows;
            });
            assertThat(plan).as(String.join("\n", plan)).anyMatch(r -> r.contains("Index Scan using ix_tasks_queue"));
            assertThat(plan).as(String.join("\n", plan)).noneMatch(r -> r.contains("Sort"));

            // And the claim itself: highest priority first, then oldest; the setting does not leak.
            List<Task> claimed = db.write(tx -> tasks.claim(tx, "w", List.of("noop"), 3, NOW, NOW.plusSeconds(30)));
            assertThat(claimed).hasSize(3);
            assertThat(claimed.get(0).id()).isEqualTo(burst.get(1_500));
            assertThat(claimed.get(1).id()).isLessThan(claimed.get(2).id());
            String sortSetting = db.write(tx -> {
                tasks.claim(tx, "w", List.of("noop"), 1, NOW, NOW.plusSeconds(30));
                try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("SHOW enable_sort")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(sortSetting).isEqualTo("on");
        }
    }

    /**
     * A remote worker's every poll asks for routed candidates (tasks with requirements); with a
     * plain backlog queued that must stay a look into the routed queue's partial index, not a
     * walk over the backlog.
     */
    @Test
    void routedCandidatesReadTheRoutedIndexWithABacklogQueued() {
        try (TestDatabases.PgDatabase pg = TestDatabases.freshPostgres(); Database db = pg.open()) {
            TaskStore tasks = new TaskStore(db.dialect());
            db.write(tx -> {
                for (int i = 0; i < 2_000; i++) tasks.insert(tx, task(5), TaskStatus.COMPLETED, NOW, 0, NOW);
                for (int i = 0; i < 5; i++) tasks.insert(tx, task(5), TaskStatus.QUEUED, NOW, 0, NOW);
                return null;
            });
            db.write(tx -> {
                try (Statement s = tx.connection().createStatement()) {
                    s.execute("ANALYZE tasks");
                }
                return null;
            });
            db.write(tx -> {
                for (int i = 0; i < 3_000; i++) tasks.insert(tx, task(5), TaskStatus.QUEUED, NOW, 0, NOW);
                return null;
            });
            List<String> plan = db.read(c -> {
                List<String> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT id, payload FROM " + db.dialect().routedQueue()
                        + " WHERE status = 'queued' AND routed = 1 AND type IN (?) ORDER BY priority DESC, id LIMIT ?")) {
                    ps.setString(1, "noop");
                    ps.setInt(2, 32);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) rows.add(rs.getString(1));
                    }
                }
                return rows;
            });
            assertThat(plan).as(String.join("\n", plan)).anyMatch(r -> r.contains("ix_tasks_routed_queue"));
            assertThat(plan).as(String.join("\n", plan)).noneMatch(r -> r.contains("Seq Scan"));
        }
    }
}
