package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.engine.StoreKind;
import dev.coxswain.core.testing.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A long history of finished tasks must not change how the queue is served: the claim the
 * engine runs walks the ready-queue index ({@code ix_tasks_queue}) once and otherwise reaches
 * tasks only by primary key, with and without planner statistics of that history. The store holds
 * {@value #FINISHED} finished tasks and a backlog of {@value #QUEUED}; the statement is exactly the
 * one {@link TaskStore#claimAll} sends (recorded from its connection, with its parameters and the
 * dialect's settings around it), and each database is asked for its plan under the settings it
 * runs with in production (sequential scans allowed).
 *
 * <p>Deterministic: fewer rows than ANALYZE samples (300 × the statistics target, 30,000), so
 * it reads them all and the statistics do not depend on a random sample.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ClaimPlanHistoryTest {
    private static final int FINISHED = 20_000;
    private static final int QUEUED = 500;
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final TaskStore.StartRecords START = new TaskStore.StartRecords("task.started", "{\"status\":\"running\"}",
            LogLevel.INFO, "Task started execution (attempt ", " on ", ")");

    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    private TestDatabases.PgDatabase pg;
    private Database db;
    private TaskStore tasks;

    @BeforeEach
    void open() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(tmp);
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        tasks = new TaskStore(db.dialect());
        fill();
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    private boolean sqlite() {
        return store == StoreKind.SQLITE;
    }

    /**
     * The history (completed, failed, cancelled over five types, finished by three workers), then
     * the backlog: queued tasks of the claimed type and of another, at every priority.
     */
    private void fill() {
        int total = FINISHED + QUEUED;
        String rowsFrom = sqlite() ? "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " + total + ") " : "";
        String source = sqlite() ? "g" : "generate_series(1, " + total + ") AS g(x)";
        String st = "CASE WHEN x > " + FINISHED + " THEN 'queued' WHEN x % 97 < 90 THEN 'completed' WHEN x % 97 < 95 THEN 'failed'"
                + " ELSE 'cancelled' END";
        long t0 = NOW.toEpochMilli() - 86_400_000L;
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute(rowsFrom + "INSERT INTO tasks (type, name, payload, status, priority, run_at, created_at, updated_at,"
                        + " started_at, completed_at, max_retries, backoff, timeout_seconds, worker_id, attempt)"
                        + " SELECT CASE WHEN x > " + FINISHED + " THEN (CASE WHEN x / 10 % 2 = 0 THEN 'noop' ELSE 'email' END)"
                        + " ELSE (CASE x % 5 WHEN 0 THEN 'noop' WHEN 1 THEN 'email' WHEN 2 THEN 'report' WHEN 3 THEN 'sync' ELSE 'shell' END) END,"
                        + " 'job ' || x, '{}', st, 1 + x % 10, ca, ca, ca,"
                        + " CASE WHEN st = 'queued' THEN NULL ELSE ca + 100 END, CASE WHEN st = 'queued' THEN NULL ELSE ca + 1000 END,"
                        + " 0, 'exponential', 60, CASE WHEN st = 'queued' THEN NULL ELSE 'w-' || (x % 3) END,"
                        + " CASE WHEN st = 'queued' THEN 0 ELSE 1 END"
                        + " FROM (SELECT x, " + st + " AS st, " + t0 + " + x * 4000 AS ca FROM " + source + ") s");
            }
            return null;
        });
    }

    private void analyze() {
        if (sqlite()) {
            db.write(tx -> {
                try (Statement s = tx.connection().createStatement()) {
                    s.execute("ANALYZE");
                }
                return null;
            });
        } else {
            // What autovacuum leaves on a table that grew a long history: visibility map set, statistics taken.
            db.read(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE tasks");
                }
                return null;
            });
        }
    }

    // ---- the statement the store runs ----------------------------------------------------------

    private record Ran(String sql, List<Object> args) {
    }

    /** A connection that notes each prepared query's SQL and parameters before running it. */
    private static Connection recording(Connection c, List<Ran> out) {
        return (Connection) Proxy.newProxyInstance(ClaimPlanHistoryTest.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, m, a) -> {
                    Object r = call(c, m, a);
                    if (!m.getName().equals("prepareStatement")) return r;
                    String sql = (String) a[0];
                    Map<Integer, Object> args = new TreeMap<>();
                    PreparedStatement ps = (PreparedStatement) r;
                    return Proxy.newProxyInstance(ClaimPlanHistoryTest.class.getClassLoader(),
                            new Class<?>[]{PreparedStatement.class}, (p2, m2, a2) -> {
                                if (m2.getName().startsWith("set") && a2 != null && a2.length == 2 && a2[0] instanceof Integer i) {
                                    args.put(i, a2[1]);
                                }
                                if (m2.getName().equals("executeQuery")) out.add(new Ran(sql, List.copyOf(args.values())));
                                return call(ps, m2, a2);
                            });
                });
    }

    private static Object call(Object target, Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Claims as the engine's dispatcher does (with the start records where the dialect writes them) and returns what ran. */
    private Ran claim(List<Task> claimed) {
        List<Ran> ran = new ArrayList<>();
        db.write(tx -> {
            Tx recorded = new Tx(recording(tx.connection(), ran), new HashMap<>());
            claimed.addAll(tasks.claimAll(recorded, "w-claim", List.of("noop", "shell"), 64, NOW, NOW.plusSeconds(30),
                    tasks.writesStartRecords() ? START : null).tasks());
            return null;
        });
        List<Ran> claims = ran.stream().filter(r -> r.sql().contains("UPDATE tasks SET status = 'running'")).toList();
        assertThat(claims).as("claim statements run: %s", ran).hasSize(1);
        return claims.getFirst();
    }

    /** The plan of {@code r} under the dialect's claim settings. */
    private List<String> plan(Ran r) {
        return db.write(tx -> {
            Connection c = tx.connection();
            db.dialect().beforeClaim(c);
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement((sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + r.sql())) {
                for (int i = 0; i < r.args().size(); i++) ps.setObject(i + 1, r.args().get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(rs.getString(sqlite() ? 4 : 1));
                }
            }
            db.dialect().afterClaim(c);
            return rows;
        });
    }

    /**
     * The ready-queue index is walked once, in claim order, to choose the tasks, and the update
     * finds those rows by primary key: no sequential scan of tasks, no other index of it, no sort
     * of the backlog, and no second walk of the queue index (a walk per claim of the whole
     * backlog to find the chosen ids, which PostgreSQL preferred when its statistics made the
     * queue look short).
     */
    private void assertWalksTheQueue(List<String> plan, String when) {
        String all = when + "\n" + String.join("\n", plan);
        if (sqlite()) {
            assertThat(plan).as(all).filteredOn(l -> l.matches("\\s*SCAN tasks USING (COVERING )?INDEX ix_tasks_queue\\b.*")).hasSize(1);
            assertThat(plan).as(all).filteredOn(l -> l.matches("\\s*SEARCH tasks USING INTEGER PRIMARY KEY \\(rowid=\\?\\).*")).hasSize(1);
            assertThat(plan).as(all).filteredOn(l -> l.matches("\\s*(SCAN|SEARCH) tasks\\b.*")).hasSize(2);
            assertThat(plan).as(all).noneMatch(l -> l.contains("TEMP B-TREE"));
        } else {
            // Two scans of tasks: the queue walk, and the chosen ids by primary key (an index scan,
            // or a bitmap of primary-key probes when the planner guesses fewer rows).
            List<String> scans = plan.stream().filter(l -> l.matches("\\s*(->\\s*)?[A-Z][A-Za-z ]*Scan\\b.* on tasks\\b.*")).toList();
            assertThat(scans).as(all).hasSize(2);
            assertThat(scans).as(all).filteredOn(l -> l.matches("\\s*(->\\s*)?Index Scan using ix_tasks_queue on tasks\\b.*")).hasSize(1);
            assertThat(scans).as(all).filteredOn(l -> l.matches("\\s*(->\\s*)?(Index Scan using tasks_pkey|Bitmap Heap Scan) on tasks\\b.*"))
                    .hasSize(1);
            assertThat(plan).as(all).filteredOn(l -> l.contains("Bitmap Index Scan")).allMatch(l -> l.contains("Bitmap Index Scan on tasks_pkey "));
            assertThat(plan).as(all).noneMatch(l -> l.matches("\\s*(->\\s*)?(Incremental )?Sort\\b.*"));
        }
    }

    @Test
    void theClaimWalksTheReadyQueueOverAHistoryWithoutStatistics() {
        List<Task> claimed = new ArrayList<>();
        Ran r = claim(claimed);
        assertThat(claimed).hasSize(64);
        assertWalksTheQueue(plan(r), "no statistics");
    }

    @Test
    void theClaimWalksTheReadyQueueOverAnAnalysedHistory() {
        analyze();
        List<Long> head = db.read(c -> {
            List<Long> ids = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM tasks WHERE status = 'queued'"
                    + " AND type IN ('noop', 'shell') ORDER BY priority DESC, id LIMIT 64")) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
            return ids;
        });
        List<Task> claimed = new ArrayList<>();
        Ran r = claim(claimed);
        // The claim is the queue's: the highest priority first, then the oldest, of the claimed types only.
        assertThat(claimed).extracting(Task::id).containsExactlyElementsOf(head);
        assertThat(claimed).extracting(Task::priority).startsWith(10).endsWith(8);
        assertWalksTheQueue(plan(r), "after ANALYZE of " + FINISHED + " finished tasks");
        // And again with the statistics taken after the claim left its running rows and dead versions.
        analyze();
        assertWalksTheQueue(plan(claim(new ArrayList<>())), "after a claim and a second ANALYZE");
    }
}
