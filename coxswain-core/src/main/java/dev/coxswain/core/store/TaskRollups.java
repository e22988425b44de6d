package dev.coxswain.core.store;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Figures over the whole tasks table kept as rollups, so that reading them costs the same at ten
 * tasks and at ten million: {@code task_counts} holds how many tasks there are of each status,
 * origin kind and priority, {@code task_finished} how many finished (completed, failed or
 * cancelled) in each minute, hour and day of their {@code completed_at}, with how many of those
 * had started and their summed run time ({@code completed_at - started_at}).
 *
 * <p>They are exact, never estimates: every statement that writes a counted column of a task
 * ({@link Counted}) goes through {@link TaskStore}, which tells this class what the task was and
 * what it became. The differences are added up in memory per op ({@link Tx#beforeCommit}), the
 * group committer merges those of all ops of the transaction, and they are written just before
 * it commits, in the same transaction: one upsert per table per batch, never one per task. Each
 * writer thread adds to rows of its own ({@code stripe}, its number), so two PostgreSQL writers
 * never wait for each other's rows; reads add the stripes up.
 *
 * <p>The V13 (SQLite) and V15 (PostgreSQL) migrations create the tables and fill them from the
 * tasks already stored, with the same statements as {@link #rebuild}.
 */
public final class TaskRollups {
    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;
    /** Coarsest first: a range is read from the coarsest rows that fit it (see {@link #pieces}). */
    static final long[] GRAINS = {DAY, HOUR, MINUTE};
    /**
     * Sizes of the read-back's id list: a chunk is padded to the next one (repeating an id) so
     * that the writer sees a handful of statements, not one per batch size. SQLite's writer keeps
     * its compiled statements in a cache of 256 (StatementCache); an id list of every length
     * from 1 to 512 pushed the hot statements out of it and cost the drain a fifth of its rate.
     */
    private static final int[] READ_BACK = {1, 4, 16, 64, 256};
    private static final Object KEY = TaskRollups.class;
    private static final String FINISHED_IN = "('completed', 'failed', 'cancelled')";

    private final SqlDialect dialect;

    public TaskRollups(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** What of a task the rollups count. */
    public record Counted(TaskStatus status, String originKind, int priority, Long startedAt, Long completedAt) {
        static Counted of(Task t) {
            return new Counted(t.status(), t.originKind(), t.priority(), millis(t.startedAt()), millis(t.completedAt()));
        }

        Counted withStatus(TaskStatus s) {
            return new Counted(s, originKind, priority, startedAt, completedAt);
        }

        /** This task after an UPDATE that sets {@code sets} (TaskStore.update's column → value). */
        Counted after(Map<String, Object> sets) {
            TaskStatus s = status;
            String origin = originKind;
            int p = priority;
            Long started = startedAt;
            Long completed = completedAt;
            for (var e : sets.entrySet()) {
                Object v = e.getValue();
                switch (e.getKey()) {
                    case "status" -> s = v instanceof TaskStatus ts ? ts : TaskStatus.fromWire((String) v);
                    case "origin_kind" -> origin = (String) v;
                    case "priority" -> p = ((Number) v).intValue();
                    case "started_at" -> started = epoch(v);
                    case "completed_at" -> completed = epoch(v);
                    default -> { }
                }
            }
            return new Counted(s, origin, p, started, completed);
        }

        /** Whether the task counts in {@code task_finished}. */
        boolean finished() {
            return completedAt != null && (status == TaskStatus.COMPLETED || status == TaskStatus.FAILED
                    || status == TaskStatus.CANCELLED);
        }

        private static Long epoch(Object v) {
            if (v == null) return null;
            if (v instanceof Instant i) return i.toEpochMilli();
            return ((Number) v).longValue();
        }
    }

    /** The columns of a task whose values the rollups count: a write that sets none of them changes nothing here. */
    static boolean counts(Collection<String> columns) {
        for (String c : columns) {
            switch (c) {
                case "status", "origin_kind", "priority", "started_at", "completed_at" -> {
                    return true;
                }
                default -> { }
            }
        }
        return false;
    }

    static final String COUNTED_COLUMNS = "status, priority, origin_kind, started_at, completed_at";

    /** A {@link Counted} from a row whose columns {@code at..at+4} are {@link #COUNTED_COLUMNS}. */
    static Counted read(ResultSet rs, int at) throws SQLException {
        return new Counted(TaskStatus.fromWire(rs.getString(at)), rs.getString(at + 2), rs.getInt(at + 1),
                Sql.longOrNull(rs, at + 3), Sql.longOrNull(rs, at + 4));
    }

    // ---- what changed -------------------------------------------------------------------------

    /** A task was inserted. */
    public void inserted(Tx tx, TaskStatus status, String originKind, int priority) {
        deltas(tx).add(new Counted(status, originKind, priority, null, null), 1);
    }

    /** A task went from {@code before} to {@code after} (either may be null: inserted, deleted). */
    public void changed(Tx tx, Counted before, Counted after) {
        Deltas d = deltas(tx);
        if (before != null) d.add(before, -1);
        if (after != null) d.add(after, 1);
    }

    /** Queued tasks were claimed: {@code claimed} are the rows as the claim left them (running). */
    public void claimed(Tx tx, List<Task> claimed) {
        if (claimed.isEmpty()) return;
        Deltas d = deltas(tx);
        for (Task t : claimed) {
            Counted now = Counted.of(t);
            d.add(now.withStatus(TaskStatus.QUEUED), -1);
            d.add(now, 1);
        }
    }

    /**
     * Running tasks were completed ({@code done} where {@code applied}, already updated in this
     * transaction): they are read back for what a completion does not carry (priority, origin,
     * start); the update locked their rows, so what is read is what it wrote.
     */
    public void completed(Tx tx, List<dev.coxswain.core.exec.Completion> done, boolean[] applied) throws SQLException {
        List<Long> ids = new ArrayList<>(done.size());
        for (int i = 0; i < done.size(); i++) if (applied[i]) ids.add(done.get(i).taskId());
        if (ids.isEmpty()) return;
        Deltas d = deltas(tx);
        Connection c = tx.connection();
        int max = READ_BACK[READ_BACK.length - 1];
        for (int from = 0; from < ids.size(); from += max) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + max));
            int size = 0;
            while (READ_BACK[size] < chunk.size()) size++;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COUNTED_COLUMNS + " FROM tasks WHERE id IN ("
                    + Sql.placeholders(READ_BACK[size]) + ")")) {
                for (int i = 0; i < READ_BACK[size]; i++) ps.setLong(i + 1, chunk.get(Math.min(i, chunk.size() - 1)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Counted now = read(rs, 1);
                        d.add(new Counted(TaskStatus.RUNNING, now.originKind(), now.priority(), null, null), -1);
                        d.add(now, 1);
                    }
                }
            }
        }
    }

    /**
     * Runs an UPDATE that moves tasks from {@code from} to {@code to} without touching their
     * other counted columns, and returns {@code priority, origin_kind} of each row it changed.
     *
     * @return how many rows it changed
     */
    public int moved(Tx tx, PreparedStatement update, TaskStatus from, TaskStatus to) throws SQLException {
        int n = 0;
        Deltas d = null;
        try (ResultSet rs = update.executeQuery()) {
            while (rs.next()) {
                if (d == null) d = deltas(tx);
                Counted now = new Counted(to, rs.getString(2), rs.getInt(1), null, null);
                d.add(now.withStatus(from), -1);
                d.add(now, 1);
                n++;
            }
        }
        return n;
    }

    /** The counted columns of one task, locked for the rest of the transaction on PostgreSQL; null when missing. */
    public Counted lockCounted(Tx tx, long id) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + COUNTED_COLUMNS + " FROM tasks WHERE id = ?"
                + dialect.forUpdate())) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs, 1) : null;
            }
        }
    }

    private static Deltas deltas(Tx tx) {
        return tx.beforeCommit(KEY, Deltas::new);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    /** The start of the {@code grain} that holds {@code t} (floor, also before 1970). */
    static long floor(long t, long grain) {
        return Math.floorDiv(t, grain) * grain;
    }

    // ---- writing ------------------------------------------------------------------------------

    private record CountKey(String status, String originKind, int priority) {
    }

    private record BucketKey(long grain, long start, String status) {
    }

    /** One op's (then, merged, one transaction's) differences. */
    static final class Deltas implements Tx.BeforeCommit {
        private final Map<CountKey, long[]> counts = new HashMap<>();
        private final Map<BucketKey, long[]> finished = new HashMap<>();

        void add(Counted t, int sign) {
            counts.computeIfAbsent(new CountKey(t.status().wire(), origin(t.originKind()), t.priority()), k -> new long[1])[0] += sign;
            if (!t.finished()) return;
            boolean started = t.startedAt() != null;
            long run = started ? t.completedAt() - t.startedAt() : 0;
            for (long g : GRAINS) {
                long[] v = finished.computeIfAbsent(new BucketKey(g, floor(t.completedAt(), g), t.status().wire()), k -> new long[3]);
                v[0] += sign;
                v[1] += started ? sign : 0;
                v[2] += sign * run;
            }
        }

        @Override
        public void absorb(Tx.BeforeCommit later) {
            Deltas o = (Deltas) later;
            o.counts.forEach((k, v) -> counts.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
            o.finished.forEach((k, v) -> {
                long[] mine = finished.computeIfAbsent(k, x -> new long[3]);
                for (int i = 0; i < 3; i++) mine[i] += v[i];
            });
        }

        /**
         * One upsert per table, run as a batch of its rows: the same statement whatever their
         * number (SQLite's writer reuses it compiled; PostgreSQL's driver sends the batch in one
         * round trip).
         */
        @Override
        public void write(Connection c, int writer) throws SQLException {
            // Sorted, so two transactions that add to the same rows lock them in the same order.
            List<Map.Entry<CountKey, long[]>> cs = new ArrayList<>(counts.entrySet());
            cs.removeIf(e -> e.getValue()[0] == 0);
            cs.sort(Map.Entry.comparingByKey(java.util.Comparator.comparing(CountKey::status)
                    .thenComparing(CountKey::originKind).thenComparingInt(CountKey::priority)));
            if (!cs.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(UPSERT_COUNT)) {
                    for (var e : cs) {
                        ps.setString(1, e.getKey().status());
                        ps.setString(2, e.getKey().originKind());
                        ps.setInt(3, e.getKey().priority());
                        ps.setInt(4, writer);
                        ps.setLong(5, e.getValue()[0]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            List<Map.Entry<BucketKey, long[]>> fs = new ArrayList<>(finished.entrySet());
            fs.removeIf(e -> e.getValue()[0] == 0 && e.getValue()[1] == 0 && e.getValue()[2] == 0);
            fs.sort(Map.Entry.comparingByKey(java.util.Comparator.comparingLong(BucketKey::grain)
                    .thenComparingLong(BucketKey::start).thenComparing(BucketKey::status)));
            if (!fs.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(UPSERT_FINISHED)) {
                    for (var e : fs) {
                        ps.setLong(1, e.getKey().grain());
                        ps.setLong(2, e.getKey().start());
                        ps.setString(3, e.getKey().status());
                        ps.setInt(4, writer);
                        for (int i = 0; i < 3; i++) ps.setLong(5 + i, e.getValue()[i]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
    }

    static final String UPSERT_COUNT = "INSERT INTO task_counts (status, origin_kind, priority, stripe, n) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (status, origin_kind, priority, stripe) DO UPDATE SET n = task_counts.n + excluded.n";
    static final String UPSERT_FINISHED = "INSERT INTO task_finished (grain, start, status, stripe, n, timed, run_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (grain, start, status, stripe) DO UPDATE SET"
            + " n = task_finished.n + excluded.n, timed = task_finished.timed + excluded.timed,"
            + " run_ms = task_finished.run_ms + excluded.run_ms";

    /** {@code task_counts.origin_kind} of a task: '' for none (a key column cannot be NULL). */
    static String origin(String originKind) {
        return originKind == null ? "" : originKind;
    }

    // ---- rebuilding ---------------------------------------------------------------------------

    /**
     * The statements that compute the rollups from the tasks table, into stripe 0 (the
     * migrations run the same ones on an upgraded store).
     */
    static List<String> rebuildSql() {
        List<String> out = new ArrayList<>();
        out.add("INSERT INTO task_counts (status, origin_kind, priority, stripe, n)"
                + " SELECT status, COALESCE(origin_kind, ''), priority, 0, COUNT(*) FROM tasks"
                + " GROUP BY status, COALESCE(origin_kind, ''), priority");
        for (long g : GRAINS) {
            String start = "completed_at - ((completed_at % " + g + ") + " + g + ") % " + g;
            out.add("INSERT INTO task_finished (grain, start, status, stripe, n, timed, run_ms)"
                    + " SELECT " + g + ", " + start + ", status, 0, COUNT(*), COUNT(started_at),"
                    + " COALESCE(SUM(completed_at - started_at), 0) FROM tasks"
                    + " WHERE completed_at IS NOT NULL AND status IN " + FINISHED_IN + " GROUP BY " + start + ", status");
        }
        return out;
    }

    /**
     * Recomputes the rollups from the tasks table (for a store filled around the store classes,
     * as the benchmarks' bulk fill does).
     */
    public void rebuild(Tx tx) throws SQLException {
        try (Statement s = tx.connection().createStatement()) {
            s.execute("DELETE FROM task_counts");
            s.execute("DELETE FROM task_finished");
            for (String sql : rebuildSql()) s.execute(sql);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Tasks by status; statuses with none are absent. */
    public Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        return byStatus(c, "SELECT status, SUM(n) FROM task_counts GROUP BY status", null);
    }

    /** Tasks of one origin kind by status; statuses with none are absent. */
    public Map<TaskStatus, Long> countByStatus(Connection c, String originKind) throws SQLException {
        return byStatus(c, "SELECT status, SUM(n) FROM task_counts WHERE origin_kind = ? GROUP BY status", origin(originKind));
    }

    private static Map<TaskStatus, Long> byStatus(Connection c, String sql, String arg) throws SQLException {
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    if (n != 0) out.put(TaskStatus.fromWire(rs.getString(1)), n);
                }
            }
        }
        return out;
    }

    /** Tasks in any of {@code statuses} (all tasks when empty). */
    public long count(Connection c, Set<TaskStatus> statuses) throws SQLException {
        Map<TaskStatus, Long> all = countByStatus(c);
        long n = 0;
        for (var e : all.entrySet()) if (statuses.isEmpty() || statuses.contains(e.getKey())) n += e.getValue();
        return n;
    }

    /** Queued tasks per priority band: [high (10), normal (5–9), low (below 5)]. */
    public long[] queueDepths(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT"
                     + " SUM(CASE WHEN priority >= 10 THEN n ELSE 0 END),"
                     + " SUM(CASE WHEN priority BETWEEN 5 AND 9 THEN n ELSE 0 END),"
                     + " SUM(CASE WHEN priority < 5 THEN n ELSE 0 END)"
                     + " FROM task_counts WHERE status = 'queued'")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /** Finished tasks of one status in a time range: how many, how many had started, their summed run time. */
    public record Finished(long count, long timed, long runMillis) {
        static final Finished NONE = new Finished(0, 0, 0);
    }

    /**
     * Finished tasks by status for each range {@code [bounds[i], bounds[i+1])} of completed_at:
     * one map per range. Each range is read from the coarsest rows that fit inside it, finer
     * ones at its ends; an end that is not on a whole minute (a zone whose offset has seconds)
     * is read from the tasks themselves for that part of a minute, through
     * {@code ix_tasks_finished}.
     */
    public List<Map<TaskStatus, Finished>> finished(Connection c, long[] bounds) throws SQLException {
        int ranges = bounds.length - 1;
        List<Map<TaskStatus, Finished>> out = new ArrayList<>(ranges);
        List<String> parts = new ArrayList<>();
        for (int r = 0; r < ranges; r++) {
            out.add(new EnumMap<>(TaskStatus.class));
            for (long[] p : pieces(bounds[r], bounds[r + 1])) {
                parts.add(p[0] == 0
                        ? "SELECT " + r + " AS r, status, 1 AS n, CASE WHEN started_at IS NULL THEN 0 ELSE 1 END AS timed,"
                                + " COALESCE(completed_at - started_at, 0) AS run_ms FROM tasks" + dialect.pinIndex("ix_tasks_finished")
                                + " WHERE completed_at IS NOT NULL AND completed_at >= " + p[1] + " AND completed_at < " + p[2]
                                + " AND status IN " + FINISHED_IN
                        : "SELECT " + r + " AS r, status, n, timed, run_ms FROM task_finished WHERE grain = " + p[0]
                                + " AND start >= " + p[1] + " AND start < " + p[2]);
                // SQLite allows 500 terms in one compound SELECT.
                if (parts.size() == PARTS_PER_STATEMENT) sumInto(c, parts, out);
            }
        }
        if (!parts.isEmpty()) sumInto(c, parts, out);
        return out;
    }

    private static final int PARTS_PER_STATEMENT = 400;

    /** Adds up {@code parts} (rows r, status, n, timed, run_ms) into {@code out}, and empties them. */
    private static void sumInto(Connection c, List<String> parts, List<Map<TaskStatus, Finished>> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT r, status, SUM(n), SUM(timed), SUM(run_ms) FROM ("
                + String.join(" UNION ALL ", parts) + ") p GROUP BY r, status"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TaskStatus s = TaskStatus.fromWire(rs.getString(2));
                Finished f = new Finished(rs.getLong(3), rs.getLong(4), rs.getLong(5));
                out.get(rs.getInt(1)).merge(s, f, (a, b) -> new Finished(a.count() + b.count(), a.timed() + b.timed(),
                        a.runMillis() + b.runMillis()));
            }
        }
        parts.clear();
    }

    /**
     * {@code [from, to)} cut into pieces {grain, start, end}: whole days, then whole hours and
     * minutes at the ends, and (grain 0) the parts of a minute at the ends that are not whole
     * minutes, to be read from the tasks.
     */
    static List<long[]> pieces(long from, long to) {
        List<long[]> out = new ArrayList<>();
        cut(from, to, 0, out);
        return out;
    }

    private static void cut(long from, long to, int level, List<long[]> out) {
        if (from >= to) return;
        if (level == GRAINS.length) {
            out.add(new long[]{0, from, to});
            return;
        }
        long g = GRAINS[level];
        long a = -Math.floorDiv(-from, g) * g; // ceiling
        long b = floor(to, g);
        if (a >= b) {
            cut(from, to, level + 1, out);
            return;
        }
        cut(from, a, level + 1, out);
        out.add(new long[]{g, a, b});
        cut(b, to, level + 1, out);
    }
}
