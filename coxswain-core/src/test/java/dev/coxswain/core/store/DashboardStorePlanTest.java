package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.TaskStatus;
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
import java.util.ArrayList;
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
 * Every statement the dashboard runs is served by an index on both databases. The store's calls
 * run on a recording connection over 20,000 tasks (statistics taken on PostgreSQL; SQLite has
 * none, as in production), and each database is asked for its plan of exactly what was run.
 * No plan reads the whole tasks table, and no list sorts its matches: each walks an index in
 * the list's order (PostgreSQL's incremental sort only orders ties of created_at by id). On
 * PostgreSQL sequential scans are switched off for the question, so a plan without one proves
 * an index can serve the statement.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DashboardStorePlanTest {
    private static final int TASKS = 20_000;
    private static final long NOW = 1_760_000_000_000L;
    private static final long WEEK = 7 * 86_400_000L;

    @Parameter
    StoreKind store;

    @TempDir
    Path tmp;

    private TestDatabases.PgDatabase pg;
    private Database db;
    private DashboardStore dash;

    @BeforeEach
    void open() {
        if (store == StoreKind.SQLITE) {
            db = TestDatabases.sqlite(tmp);
        } else {
            pg = TestDatabases.freshPostgres();
            db = pg.open();
        }
        dash = new DashboardStore(db.dialect());
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

    /** 20,000 tasks over a week, mostly finished, with tags, workers and a few schedules. */
    private void fill() {
        String rowsFrom = sqlite()
                ? "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " + TASKS + ") "
                : "";
        String source = sqlite() ? "g" : "generate_series(1, " + TASKS + ") AS g(x)";
        String st = "CASE WHEN x <= " + (TASKS * 97 / 100) + " THEN (CASE WHEN x % 97 < 90 THEN 'completed'"
                + " WHEN x % 97 < 95 THEN 'failed' ELSE 'cancelled' END)"
                + " ELSE (CASE WHEN x % 30 < 20 THEN 'queued' WHEN x % 30 < 28 THEN 'pending' ELSE 'running' END) END";
        String created = "(" + (NOW - WEEK) + " + x * " + (WEEK / TASKS) + ")";
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute(rowsFrom + "INSERT INTO tasks (type, name, payload, status, priority, run_at, created_at, updated_at,"
                        + " completed_at, max_retries, backoff, timeout_seconds, worker_id)"
                        + " SELECT CASE x % 5 WHEN 0 THEN 'email' WHEN 1 THEN 'report' WHEN 2 THEN 'sync' WHEN 3 THEN 'backup'"
                        + " ELSE 'shell' END, 'job ' || x, '{}', st, 1 + x % 10, ca, ca, ca,"
                        + " CASE WHEN st IN ('completed', 'failed', 'cancelled') THEN ca + 1000 END, 0, 'exponential', 60,"
                        + " CASE WHEN st IN ('completed', 'failed', 'running') THEN 'w-' || (x % 4) END"
                        + " FROM (SELECT x, " + st + " AS st, " + created + " AS ca FROM " + source + ") s");
                s.execute("INSERT INTO task_tags (tag, task_id) SELECT 'nightly', id FROM tasks WHERE id % 10 = 0");
                s.execute("INSERT INTO task_tags (tag, task_id) SELECT 'rare', id FROM tasks WHERE id % 1000 = 7");
                s.execute("INSERT INTO schedules (face, name, expression, timezone, task_type, payload, priority, max_retries,"
                        + " backoff, timeout_seconds, misfire, overlap, status, next_run_at, created_at, updated_at)"
                        + " SELECT 'native', 'sched ' || id, '* * * * *', 'UTC', 'shell', '{}', 5, 0, 'exponential', 60,"
                        + " 'fire_once', 'allow', CASE WHEN id % 3 = 0 THEN 'paused' ELSE 'active' END, " + NOW + " + id * 1000, 0, 0"
                        + " FROM tasks WHERE id <= 300");
            }
            return null;
        });
        if (!sqlite()) {
            db.read(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE tasks");
                    s.execute("VACUUM ANALYZE task_tags");
                    s.execute("VACUUM ANALYZE schedules");
                }
                return null;
            });
        }
    }

    // ---- recording what the store runs ---------------------------------------------------------

    private record Ran(String sql, List<Object> args) {
    }

    /** A connection that notes each query's SQL and parameters before running it. */
    private static Connection recording(Connection c, List<Ran> out) {
        return (Connection) Proxy.newProxyInstance(DashboardStorePlanTest.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, m, a) -> {
                    Object r = call(c, m, a);
                    if (!m.getName().equals("prepareStatement")) return r;
                    String sql = (String) a[0];
                    Map<Integer, Object> args = new TreeMap<>();
                    PreparedStatement ps = (PreparedStatement) r;
                    return Proxy.newProxyInstance(DashboardStorePlanTest.class.getClassLoader(),
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

    private interface StoreCall {
        void run(Connection c) throws Exception;
    }

    /** The statements {@code call} ran. */
    private List<Ran> ran(StoreCall call) {
        List<Ran> out = new ArrayList<>();
        db.read(c -> {
            try {
                call.run(recording(c, out));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        assertThat(out).isNotEmpty();
        return out;
    }

    // ---- asking for plans ----------------------------------------------------------------------

    /** The plan, under the settings the store runs the statement with ({@code list}: index order preferred). */
    private List<String> plan(Ran r, boolean list) {
        return db.write(tx -> {
            Connection c = tx.connection();
            if (!sqlite()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL enable_seqscan = off");
                }
            }
            if (list) db.dialect().beforeIndexOrderedReads(c);
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement((sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + r.sql())) {
                for (int i = 0; i < r.args().size(); i++) ps.setObject(i + 1, r.args().get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(rs.getString(sqlite() ? 4 : 1));
                }
            } finally {
                if (list) db.dialect().afterIndexOrderedReads(c);
            }
            return rows;
        });
    }

    /** No step reads a whole table of tasks; for lists, no step sorts the matches. */
    private List<String> indexed(Ran r, boolean ordered) {
        List<String> p = plan(r, r.sql().contains(DashboardStore.T_COLUMNS) || r.sql().contains("OFFSET"));
        String all = r.sql() + "\n" + r.args() + "\n" + String.join("\n", p);
        if (sqlite()) {
            assertThat(p).as(all).noneMatch(l -> l.matches("\\s*SCAN (tasks|t|g|x|task_tags|schedules)\\b(?! USING).*"));
            if (ordered) assertThat(p).as(all).noneMatch(l -> l.contains("TEMP B-TREE FOR ORDER BY"));
        } else {
            assertThat(p).as(all).noneMatch(l -> l.contains("Seq Scan"));
            if (ordered) assertThat(p).as(all).noneMatch(l -> l.matches("\\s*(->\\s*)?Sort\\s+\\(.*"));
        }
        return p;
    }

    private static void uses(List<String> plan, String index) {
        assertThat(plan).as(String.join("\n", plan)).anyMatch(l -> l.contains(index));
    }

    // ---- the statements ------------------------------------------------------------------------

    @Test
    void countsWalkTheQueueAndStatusIndexes() {
        for (Ran r : ran(c -> dash.overviewCounts(c, 100_000))) uses(indexed(r, false), "ix_tasks_queue");
        for (Ran r : ran(c -> dash.statusCounts(c, 100_000))) uses(indexed(r, false), "ix_tasks_status_created");
    }

    @Test
    void firingsSeriesTypesAndOneTaskUseTheirIndexes() {
        for (Ran r : ran(c -> dash.nextFirings(c, 10))) uses(indexed(r, true), "ix_schedules_due");
        for (Ran r : ran(c -> dash.finishedSeries(c, NOW - 86_400_000, 900_000, 96))) uses(indexed(r, false), "ix_tasks_finished");
        for (Ran r : ran(c -> dash.finishedSeries(c, NOW - 3_600_000, 60_000, 60))) uses(indexed(r, false), "ix_tasks_finished");
        for (Ran r : ran(c -> dash.taskTypes(c, 100))) uses(indexed(r, false), "ix_tasks_type_created");
        for (Ran r : ran(c -> dash.find(c, 42))) indexed(r, false);
    }

    /** Every order with every filter, alone and combined, from the top and from a place both ways. */
    @Test
    void everyListWalksAnIndexInItsOrder() {
        List<DashboardStore.ListQuery> queries = new ArrayList<>();
        DashboardStore.Position mid = new DashboardStore.Position(NOW - WEEK / 2, TASKS / 2);
        DashboardStore.Position prio = new DashboardStore.Position(5, TASKS - 100);
        for (DashboardStore.Order o : DashboardStore.Order.values()) {
            TaskStatus s = switch (o) {
                case PRIORITY -> TaskStatus.QUEUED;
                case FINISHED -> TaskStatus.FAILED;
                default -> null;
            };
            List<TaskStatus> statuses = o == DashboardStore.Order.NEWEST || o == DashboardStore.Order.OLDEST
                    ? java.util.Arrays.asList(null, TaskStatus.COMPLETED, TaskStatus.RUNNING) : java.util.Arrays.asList(null, s);
            if (o == DashboardStore.Order.PRIORITY) statuses = List.of(TaskStatus.QUEUED);
            for (TaskStatus status : statuses) {
                for (String[] f : new String[][]{{null, null, null, null}, {"email", null, null, null}, {null, "nightly", null, null},
                        {null, null, "w-1", null}, {null, null, null, "job 1"}, {"sync", "rare", "w-2", "9"}}) {
                    for (int from = 0; from < 3; from++) {
                        DashboardStore.Position p = from == 0 ? null : o == DashboardStore.Order.PRIORITY ? prio : mid;
                        queries.add(new DashboardStore.ListQuery(status, f[0], f[1], f[2], f[3], o, p, from == 2, 50, 1000));
                    }
                }
            }
        }
        int windowEnds = 0;
        for (DashboardStore.ListQuery q : queries) {
            for (Ran r : ran(c -> dash.list(c, q))) {
                indexed(r, true);
                if (r.sql().contains("OFFSET")) windowEnds++;
            }
        }
        assertThat(windowEnds).as("window ends asked for").isGreaterThan(100);
    }

    /**
     * A type, worker or finished-status list walks that filter's own index, from the top and from
     * a place: on PostgreSQL an equality would let it walk ix_tasks_created backwards filtering
     * instead, which reads every newer task when the matching ones are old.
     */
    @Test
    void aTypeWorkerOrStatusListWalksItsOwnIndex() {
        DashboardStore.Position mid = new DashboardStore.Position(NOW - WEEK / 2, TASKS / 2);
        record Case(DashboardStore.ListQuery q, String index) {
        }
        List<Case> cases = new ArrayList<>();
        for (DashboardStore.Position from : java.util.Arrays.asList(null, mid)) {
            for (DashboardStore.Order o : List.of(DashboardStore.Order.NEWEST, DashboardStore.Order.OLDEST)) {
                cases.add(new Case(new DashboardStore.ListQuery(null, "email", null, null, null, o, from, false, 50, 1000),
                        "ix_tasks_type_created"));
                cases.add(new Case(new DashboardStore.ListQuery(null, null, null, "w-1", null, o, from, false, 50, 1000),
                        "ix_tasks_worker_created"));
                cases.add(new Case(new DashboardStore.ListQuery(TaskStatus.FAILED, null, null, null, null, o, from, false, 50, 1000),
                        "ix_tasks_status_created"));
                // with a second filter: the window's end is found on the same index
                cases.add(new Case(new DashboardStore.ListQuery(TaskStatus.FAILED, "email", null, null, null, o, from, false, 50, 1000),
                        "ix_tasks_type_created"));
            }
        }
        for (Case k : cases) {
            for (Ran r : ran(c -> dash.list(c, k.q()))) uses(indexed(r, true), k.index());
        }
    }

    @Test
    void aTagListWalksTheTagsKey() {
        var q = new DashboardStore.ListQuery(null, null, "rare", null, null, DashboardStore.Order.NEWEST, null, false, 50, 1000);
        for (Ran r : ran(c -> dash.list(c, q))) uses(indexed(r, true), sqlite() ? "sqlite_autoindex_task_tags_1" : "task_tags_pkey");
    }
}
