package dev.coxswain.bench;

import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.TaskRollups;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a store with many tasks fast, for timing reads against a store the size of a busy
 * deployment: bulk {@code INSERT … SELECT} from a row generator (SQLite: a recursive CTE,
 * PostgreSQL: {@code generate_series}) in chunks of {@value #CHUNK}, instead of n inserts.
 *
 * <p>The tasks are spread evenly over the {@link #SPAN} before the clock's now, oldest first (ids
 * follow creation). About 90 % completed, 5 % failed, 2 % cancelled (finished 1 to 61 s after
 * creation) and 3 % open — 2 % queued (priorities 1–10), 0.8 % pending, 0.2 % running — all open
 * ones among the newest tenth (the last 17 hours), of which they are three in ten. Seven types in turn; started tasks ran on
 * one of five workers ({@code worker-1} … {@code worker-5}); a tenth carry the tag
 * {@code nightly}, a fiftieth also {@code billing}, a thousandth {@code urgent}; one in 5,000 is
 * named {@code Nightly export <n>} (the others {@code job <n>}). Then {@value #SCHEDULES}
 * schedules, four of five active, due over the next hours, and the rollups of the tasks
 * ({@link TaskRollups#rebuild}).
 *
 * <p>Fill a server's store before starting the server: open the {@link Database} on the same data
 * directory or URL (that runs the migrations), fill it, close it, start the server. On
 * PostgreSQL the tables are then vacuumed and analysed, as autovacuum would have done on a
 * store that grew over a week (visibility map set for index-only scans, statistics taken);
 * SQLite gets no ANALYZE, as in production.
 */
public final class MillionTasks {
    /** Rows per INSERT statement (and transaction). */
    static final int CHUNK = 100_000;
    static final Duration SPAN = Duration.ofDays(7);
    static final int SCHEDULES = 25;
    static final List<String> TYPES = List.of("email", "report", "resize", "sync", "backup", "shell", "webhook");

    private MillionTasks() {
    }

    /** What was written. */
    public record Filled(int tasks, Map<String, Long> byStatus, long firstId, long lastId, Duration took) {
    }

    /** Adds {@code n} tasks (and the schedules) to the store; see the class comment for their shape. */
    public static Filled fill(Database db, int n, Clock clock) {
        return fill(db, n, clock, true);
    }

    /**
     * Adds {@code n} finished tasks and nothing else: the history of a store whose queue is empty
     * (the same shape, but no task is open, and no schedule could fire into a measured queue).
     * About 92.8 % completed, 5.2 % failed, 2 % cancelled.
     */
    public static Filled fillHistory(Database db, int n, Clock clock) {
        return fill(db, n, clock, false);
    }

    private static Filled fill(Database db, int n, Clock clock, boolean openAndSchedules) {
        long t0 = System.nanoTime();
        boolean postgres = db.dialect().name().equals("postgres");
        long now = clock.millis();
        long first = Long.MAX_VALUE;
        long last = 0;
        for (int from = 1; from <= n; from += CHUNK) {
            int a = from;
            int b = Math.min(n, from + CHUNK - 1);
            long[] ids = db.write(tx -> {
                Connection c = tx.connection();
                if (postgres) exec(c, "SET LOCAL statement_timeout = 0"); // a slow machine may need more than the writers' 30 s
                long before = maxId(c);
                exec(c, insertSql(postgres, a, b, n, now, openAndSchedules));
                long after = maxId(c);
                for (String tag : List.of("nightly", "billing", "urgent")) {
                    exec(c, "INSERT INTO task_tags (tag, task_id) SELECT '" + tag + "', id FROM tasks WHERE id > " + before
                            + " AND id <= " + after + " AND tags LIKE '%\"" + tag + "\"%'");
                }
                return new long[]{before + 1, after};
            });
            first = Math.min(first, ids[0]);
            last = Math.max(last, ids[1]);
        }
        db.write(tx -> {
            if (openAndSchedules) exec(tx.connection(), schedulesSql(now));
            // The bulk insert went around TaskStore, which keeps the rollups: compute them as the
            // migration does for a store that already has tasks.
            if (postgres) exec(tx.connection(), "SET LOCAL statement_timeout = 0");
            new TaskRollups(db.dialect()).rebuild(tx);
            return null;
        });
        if (postgres) {
            db.read(c -> {
                exec(c, "VACUUM ANALYZE tasks");
                exec(c, "VACUUM ANALYZE task_tags");
                exec(c, "VACUUM ANALYZE schedules");
                exec(c, "VACUUM ANALYZE task_counts");
                exec(c, "VACUUM ANALYZE task_finished");
                return null;
            });
        }
        Map<String, Long> byStatus = db.read(MillionTasks::countByStatus);
        return new Filled(n, byStatus, first, last, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Rows {@code a..b} of {@code n}, in one statement. */
    static String insertSql(boolean postgres, int a, int b, int n, long now, boolean open) {
        long span = SPAN.toMillis();
        String rows = postgres
                ? "generate_series(" + a + "::bigint, " + b + "::bigint) AS g(x)"
                : "g";
        String with = postgres ? "" : "WITH RECURSIVE g(x) AS (SELECT " + a + " UNION ALL SELECT x + 1 FROM g WHERE x < " + b + ") ";
        // Open: three in ten of the newest tenth; the rest finished in the ratio 90 : 5 : 2. Each
        // choice reads other digits of x, so that status, kind of open and priority do not go together.
        String status = "CASE"
                + (open ? " WHEN x > " + (long) n * 9 / 10 + " AND (x * 7919) % 10 < 3"
                + " THEN (CASE WHEN x / 10 % 30 < 20 THEN 'queued' WHEN x / 10 % 30 < 28 THEN 'pending' ELSE 'running' END)" : "")
                + " WHEN (x * 7919) % 97 < 90 THEN 'completed' WHEN (x * 7919) % 97 < 95 THEN 'failed' ELSE 'cancelled' END";
        StringBuilder type = new StringBuilder("CASE x % " + TYPES.size());
        for (int i = 0; i < TYPES.size(); i++) type.append(" WHEN ").append(i).append(" THEN '").append(TYPES.get(i)).append('\'');
        type.append(" END");
        String started = "(st IN ('completed', 'failed', 'running') OR (st = 'cancelled' AND x % 2 = 0))";
        return with + "INSERT INTO tasks (type, name, payload, status, priority, run_at, created_at, updated_at, started_at,"
                + " completed_at, max_retries, backoff, timeout_seconds, tags, worker_id, attempt, error, log_count)"
                + " SELECT " + type + ","
                + " CASE WHEN x % 5000 = 0 THEN 'Nightly export ' || x ELSE 'job ' || x END,"
                + " '{}', st, 1 + x * 2654435761 % 1000003 % 10, ca, ca, ca,"
                + " CASE WHEN " + started + " THEN ca + 200 END,"
                + " CASE WHEN st IN ('completed', 'failed', 'cancelled') THEN ca + 1000 + (x * 13) % 60000 END,"
                + " 3, 'exponential', 3600,"
                + " CASE WHEN x % 50 = 0 THEN '[\"nightly\",\"billing\"]' WHEN x % 10 = 0 THEN '[\"nightly\"]'"
                + " WHEN x % 1000 = 7 THEN '[\"urgent\"]' ELSE '[]' END,"
                + " CASE WHEN " + started + " THEN 'worker-' || (1 + x % 5) END,"
                + " CASE WHEN " + started + " THEN 1 ELSE 0 END,"
                + " CASE WHEN st = 'failed' THEN 'exit status 1' END, 1"
                + " FROM (SELECT x, " + status + " AS st, " + (now - span) + " + x * " + span + " / " + n + " AS ca FROM " + rows + ") s";
    }

    static String schedulesSql(long now) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= SCHEDULES; i++) {
            if (i > 1) values.append(", ");
            String status = i % 5 == 0 ? "paused" : "active";
            values.append("('native', 'bench-schedule-").append(now).append('-').append(i).append("', '*/5 * * * *', 'UTC', 'shell',")
                    .append(" '{}', 5, 0, 'exponential', 60, 'run_once', 'allow', '").append(status).append("', ")
                    .append(now + i * 300_000L).append(", ").append(now).append(", ").append(now).append(')');
        }
        return "INSERT INTO schedules (face, name, expression, timezone, task_type, payload, priority, max_retries, backoff,"
                + " timeout_seconds, misfire, overlap, status, next_run_at, created_at, updated_at) VALUES " + values;
    }

    private static long maxId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM tasks"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> countByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM tasks GROUP BY status ORDER BY status")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
