package dev.coxswain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskSort;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The status, metrics and count reads do not read the tasks table at all: every statement they
 * run is planned over the rollup tables only (their primary keys), on both databases, over a
 * store of 20,000 tasks; and the task list sorted by priority walks {@code ix_tasks_priority}
 * instead of sorting. Each call runs on a recording connection and each database is asked for
 * its plan of exactly what was run (PostgreSQL with statistics and sequential scans off, so a
 * plan without one proves an index serves the statement).
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class TaskRollupsPlanTest {
    private static final int TASKS = 20_000;
    private static final long NOW = 1_760_000_000_000L;
    private static final long WEEK = 7 * 86_400_000L;

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

    private void fill() {
        String rowsFrom = sqlite() ? "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " + TASKS + ") " : "";
        String source = sqlite() ? "g" : "generate_series(1, " + TASKS + ") AS g(x)";
        String st = "CASE WHEN x % 97 < 90 THEN 'completed' WHEN x % 97 < 93 THEN 'failed' WHEN x % 97 < 94 THEN 'cancelled'"
                + " WHEN x % 97 < 95 THEN 'queued' WHEN x % 97 < 96 THEN 'pending' ELSE 'running' END";
        String created = "(" + (NOW - WEEK) + " + x * " + (WEEK / TASKS) + ")";
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute(rowsFrom + "INSERT INTO tasks (type, name, payload, status, priority, run_at, created_at, updated_at,"
                        + " started_at, completed_at, max_retries, backoff, timeout_seconds, origin_kind)"
                        + " SELECT 'shell', 'job ' || x, '{}', st, 1 + x % 10, ca, ca, ca, ca + 100,"
                        + " CASE WHEN st IN ('completed', 'failed', 'cancelled') THEN ca + 1000 END, 0, 'exponential', 60,"
                        + " CASE WHEN x % 7 = 0 THEN 'device' END"
                        + " FROM (SELECT x, " + st + " AS st, " + created + " AS ca FROM " + source + ") s");
            }
            new TaskRollups(db.dialect()).rebuild(tx);
            return null;
        });
        if (!sqlite()) {
            db.read(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE tasks");
                    s.execute("VACUUM ANALYZE task_counts");
                    s.execute("VACUUM ANALYZE task_finished");
                }
                return null;
            });
        }
    }

    private record Ran(String sql, List<Object> args) {
    }

    private interface StoreCall {
        void run(Connection c) throws Exception;
    }

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

    private static Connection recording(Connection c, List<Ran> out) {
        return (Connection) Proxy.newProxyInstance(TaskRollupsPlanTest.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, m, a) -> {
                    Object r = call(c, m, a);
                    if (m.getName().equals("createStatement")) {
                        Statement s = (Statement) r;
                        return Proxy.newProxyInstance(TaskRollupsPlanTest.class.getClassLoader(), new Class<?>[]{Statement.class},
                                (p2, m2, a2) -> {
                                    if (m2.getName().equals("executeQuery")) out.add(new Ran((String) a2[0], List.of()));
                                    return call(s, m2, a2);
                                });
                    }
                    if (!m.getName().equals("prepareStatement")) return r;
                    String sql = (String) a[0];
                    Map<Integer, Object> args = new TreeMap<>();
                    PreparedStatement ps = (PreparedStatement) r;
                    return Proxy.newProxyInstance(TaskRollupsPlanTest.class.getClassLoader(), new Class<?>[]{PreparedStatement.class},
                            (p2, m2, a2) -> {
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

    private List<String> plan(Ran r) {
        return db.write(tx -> {
            Connection c = tx.connection();
            if (!sqlite()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL enable_seqscan = off");
                }
            }
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement((sqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + r.sql())) {
                for (int i = 0; i < r.args().size(); i++) ps.setObject(i + 1, r.args().get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(rs.getString(sqlite() ? 4 : 1));
                }
            }
            return rows;
        });
    }

    /** Each statement the call ran reads rollup tables through their keys, and no task. */
    private void rollupsOnly(StoreCall call) {
        for (Ran r : ran(call)) {
            List<String> p = plan(r);
            String all = r.sql() + "\n" + String.join("\n", p);
            if (sqlite()) {
                assertThat(p).as(all).noneMatch(l -> l.matches(".*\\b(SCAN|SEARCH) tasks\\b.*"));
            } else {
                assertThat(p).as(all).noneMatch(l -> l.contains(" on tasks") || l.contains("Seq Scan"));
            }
        }
    }

    @Test
    void statusCountsQueueDepthsAndDeviceStatsReadTheCountsOnly() {
        rollupsOnly(c -> tasks.countByStatus(c));
        rollupsOnly(c -> tasks.queueDepths(c));
        rollupsOnly(c -> new DeviceTaskStore(db.dialect()).countByStatus(c));
    }

    @Test
    void metricsOfEveryPeriodReadTheFinishedRollupsOnly() {
        long hour = 3_600_000L, day = 86_400_000L;
        long midnight = NOW / day * day;
        // Today (the status route's completed_today), and the metrics route's windows: 24 hours,
        // 30 days, 12 weeks, 12 months of buckets on whole hours and days, and a zone 5:30 off UTC.
        rollupsOnly(c -> tasks.countFinished(c, TaskStatus.COMPLETED, Instant.ofEpochMilli(midnight),
                Instant.ofEpochMilli(midnight + day + hour)));
        rollupsOnly(c -> tasks.bucketStats(c, bounds(NOW / hour * hour - 23 * hour, hour, 24)));
        rollupsOnly(c -> tasks.bucketStats(c, bounds(midnight - 29 * day, day, 30)));
        rollupsOnly(c -> tasks.bucketStats(c, bounds(midnight - 83 * day, 7 * day, 12)));
        rollupsOnly(c -> tasks.bucketStats(c, bounds(midnight - 330 * day, 30 * day, 12)));
        rollupsOnly(c -> tasks.bucketStats(c, bounds(midnight - 29 * day - 330 * 60_000L, day, 30)));
    }

    @Test
    void listTotalsWithoutATagOrWorkerComeFromTheCounts() {
        for (Ran r : ran(c -> tasks.list(c, new TaskQuery(Set.of(TaskStatus.FAILED), null, null, TaskSort.ID, false, 0, 20)))) {
            assertThat(r.sql()).doesNotContain("COUNT(*) FROM tasks");
        }
        for (Ran r : ran(c -> tasks.list(c, new TaskQuery(Set.of(), null, null, TaskSort.PRIORITY, false, 40, 20)))) {
            if (!r.sql().contains(" FROM tasks") || r.sql().contains("task_deps")) continue;
            List<String> p = plan(r);
            String all = r.sql() + "\n" + String.join("\n", p);
            assertThat(p).as(all).anyMatch(l -> l.contains("ix_tasks_priority"));
            if (sqlite()) assertThat(p).as(all).noneMatch(l -> l.contains("TEMP B-TREE FOR ORDER BY"));
            else assertThat(p).as(all).noneMatch(l -> l.matches("\\s*(->\\s*)?Sort\\s+\\(.*"));
        }
    }

    private static Instant[] bounds(long first, long step, int n) {
        Instant[] out = new Instant[n + 1];
        for (int i = 0; i <= n; i++) out[i] = Instant.ofEpochMilli(first + i * step);
        return out;
    }
}
