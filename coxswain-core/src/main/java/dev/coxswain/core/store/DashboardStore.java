package dev.coxswain.core.store;

import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The dashboard's reads of the tasks and schedules tables, written so that none of them costs
 * more as the tables grow: each walks an index and stops early. Counts stop at a cap (count at
 * most {@code cap + 1} index entries), lists are keyset-paginated (no OFFSET, no total), and a
 * filter the walked index does not serve is checked on a bounded window of that walk.
 *
 * <p>Numbers (times, ids, limits, caps) are written into the SQL as literals: they are Java
 * longs, so nothing can be injected, and PostgreSQL plans each statement for its real values — a
 * generic plan made for unknown ranges and limits may pick another walk. Strings (type, tag,
 * worker, name) stay parameters. On SQLite, which has no statistics, {@link SqlDialect#pinIndex}
 * names the index each statement is written for.
 */
public final class DashboardStore {
    /** TaskStore's columns with the alias the list queries give the tasks table (TaskStore.map reads by position). */
    static final String T_COLUMNS = Arrays.stream(TaskStore.COLUMNS.split(","))
            .map(c -> "t." + c.trim()).collect(Collectors.joining(", "));

    /**
     * A tag walk checks other filters on a tenth of the window. Rows in creation order lie
     * together in the table (a window of 20,000 reads some 600 pages), a tag's rows lie apart (one
     * page each): 20,000 rows of a tag on one task in fifty took 185 ms on PostgreSQL and 67 ms on
     * SQLite at a million tasks, against 8 and 15 ms for a text search over the newest 20,000.
     */
    static final int TAG_WINDOW_SHARE = 10;

    private final SqlDialect dialect;

    public DashboardStore(SqlDialect dialect) {
        this.dialect = dialect;
    }

    // ---- counts ------------------------------------------------------------------------------

    /** The number of rows of {@code fromWhere}, counting at most {@code cap + 1} (more means "cap+"). */
    static String cappedCount(String fromWhere, long cap) {
        return "(SELECT count(*) FROM (SELECT 1 FROM " + fromWhere + " LIMIT " + (cap + 1) + ") c)";
    }

    /**
     * Queued tasks by priority band — high 10, normal 5–9, low 1–4 (the native API's bands), each a range of the queue's
     * partial index {@code ix_tasks_queue (priority DESC, id)} — then running and pending tasks
     * ({@code ix_tasks_status_created}); one round trip.
     */
    String overviewSql(long cap) {
        String queue = "tasks" + dialect.pinIndex("ix_tasks_queue") + " WHERE status = 'queued' AND ";
        String status = "tasks" + dialect.pinIndex("ix_tasks_status_created") + " WHERE status = ";
        return "SELECT " + cappedCount(queue + "priority >= 10", cap)
                + ", " + cappedCount(queue + "priority >= 5 AND priority <= 9", cap)
                + ", " + cappedCount(queue + "priority <= 4", cap)
                + ", " + cappedCount(status + "'running'", cap)
                + ", " + cappedCount(status + "'pending'", cap);
    }

    /** [queued high, queued normal, queued low, running, pending], each at most {@code cap + 1}. */
    public long[] overviewCounts(Connection c, long cap) throws SQLException {
        return longs(c, overviewSql(cap), 5);
    }

    String statusCountsSql(long cap) {
        StringBuilder sql = new StringBuilder("SELECT ");
        String from = "tasks" + dialect.pinIndex("ix_tasks_status_created") + " WHERE status = ";
        for (TaskStatus s : TaskStatus.values()) {
            if (s.ordinal() > 0) sql.append(", ");
            sql.append(cappedCount(from + literal(s), cap));
        }
        return sql.toString();
    }

    /** Tasks of every status, each counted at most to {@code cap + 1}; one round trip. */
    public Map<TaskStatus, Long> statusCounts(Connection c, long cap) throws SQLException {
        long[] n = longs(c, statusCountsSql(cap), TaskStatus.values().length);
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : TaskStatus.values()) out.put(s, n[s.ordinal()]);
        return out;
    }

    private static long[] longs(Connection c, String sql, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long[] out = new long[n];
            for (int i = 0; i < n; i++) out[i] = rs.getLong(i + 1);
            return out;
        }
    }

    // ---- schedules ---------------------------------------------------------------------------

    /** An active schedule's next firing. */
    public record Firing(long id, String name, String face, Instant nextRunAt) {
    }

    String nextFiringsSql(int limit) {
        // NULLs sort first on SQLite and last on PostgreSQL: leave them out on both.
        return "SELECT id, name, face, next_run_at FROM schedules" + dialect.pinIndex("ix_schedules_due")
                + " WHERE status = 'active' AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT " + limit;
    }

    /** The active schedules due soonest, from {@code ix_schedules_due}. */
    public List<Firing> nextFirings(Connection c, int limit) throws SQLException {
        List<Firing> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(nextFiringsSql(limit)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Firing(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
            }
        }
        return out;
    }

    // ---- finished tasks over time ------------------------------------------------------------

    /**
     * Per bucket, three range counts of the covering index {@code ix_tasks_finished (completed_at,
     * status)}, one per status. A single {@code GROUP BY (completed_at - from) / bucket, status}
     * reads the range once but SQLite sorts every row into a temporary B-tree for it: 38 ms for a
     * day of 1M tasks spread over a week (114k finished rows), against 13 ms for these counts;
     * PostgreSQL takes about the same either way (15 and 12 ms).
     */
    String seriesSql(long from, long bucket, int buckets) {
        String count = "(SELECT count(*) FROM tasks" + dialect.pinIndex("ix_tasks_finished")
                + " WHERE completed_at IS NOT NULL AND completed_at >= b.lo AND completed_at < b.lo + " + bucket
                + " AND status = ";
        return "WITH RECURSIVE b(i, lo) AS (SELECT 0, CAST(" + from + " AS BIGINT)"
                + " UNION ALL SELECT i + 1, lo + " + bucket + " FROM b WHERE i < " + (buckets - 1) + ")"
                + " SELECT i, " + count + literal(TaskStatus.COMPLETED) + "), " + count + literal(TaskStatus.FAILED) + "), "
                + count + literal(TaskStatus.CANCELLED) + ") FROM b";
    }

    /**
     * Tasks finished in each of {@code buckets} consecutive buckets of {@code bucket} ms from
     * {@code from} (by completed_at): [completed, failed, cancelled][bucket].
     */
    public long[][] finishedSeries(Connection c, long from, long bucket, int buckets) throws SQLException {
        long[][] out = new long[3][buckets];
        try (PreparedStatement ps = c.prepareStatement(seriesSql(from, bucket, buckets)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int i = rs.getInt(1);
                for (int s = 0; s < 3; s++) out[s][i] = rs.getLong(s + 2);
            }
        }
        return out;
    }

    // ---- task types --------------------------------------------------------------------------

    /**
     * A loose index scan of {@code ix_tasks_type_created}: each step seeks the first type after
     * the previous one, so the cost is one index probe per distinct type, not one per task.
     */
    String typesSql(int limit) {
        String from = "tasks" + dialect.pinIndex("ix_tasks_type_created");
        return "WITH RECURSIVE seen(type, n) AS (SELECT (SELECT min(type) FROM " + from + "), 1"
                + " UNION ALL SELECT (SELECT min(type) FROM " + from + " WHERE type > seen.type), n + 1 FROM seen"
                + " WHERE seen.type IS NOT NULL AND n < " + limit + ")"
                + " SELECT type FROM seen WHERE type IS NOT NULL";
    }

    /** The distinct task types in name order, at most {@code limit}. */
    public List<String> taskTypes(Connection c, int limit) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(typesSql(limit)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    // ---- one task ----------------------------------------------------------------------------

    /** The task, without its dependencies (a list row shows none), or null. */
    public Task find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TaskStore.COLUMNS + " FROM tasks WHERE id = " + id);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? TaskStore.map(rs) : null;
        }
    }

    // ---- the task list -----------------------------------------------------------------------

    /** The list orders; each is one index walked in its own order. */
    public enum Order {
        /** created_at DESC, id DESC. */
        NEWEST,
        /** created_at ASC, id ASC. */
        OLDEST,
        /** The queue's order, priority DESC, id ASC; queued tasks only. */
        PRIORITY,
        /** completed_at DESC, id DESC; finished tasks only. */
        FINISHED
    }

    /** A place in a list: the order's key of a row (time in ms, priority, or id) and its id. */
    public record Position(long key, long id) {
    }

    /**
     * One page request. Null filters match anything; {@code status} must be queued for
     * {@link Order#PRIORITY} and finished (or null) for {@link Order#FINISHED}.
     *
     * @param nameContains lower-case text the name must contain (case-insensitive), or null
     * @param from         the page starts after this place (before it when {@code backward}), or null for the top
     * @param backward     the page ends just before {@code from}, in the list's order
     * @param window       at most this many rows of the walked index are looked at when a
     *                     filter has to be checked row by row (a tenth of it on a tag's rows,
     *                     see {@link #TAG_WINDOW_SHARE})
     */
    public record ListQuery(TaskStatus status, String type, String tag, String workerId, String nameContains,
                            Order order, Position from, boolean backward, int limit, int window) {
    }

    /**
     * Rows in the list's order, with the places to ask from for the page before ({@code previous},
     * backward) and after ({@code next}); null when there is none. {@code windowed}: the window
     * ended before the page filled, so {@code next} (or {@code previous}, going backward) is the
     * window's end and more matches may lie beyond it.
     */
    public record ListPage(List<Task> rows, Position previous, Position next, boolean windowed) {
    }

    /**
     * How a list is read: the index walked, the conditions that walk serves, and the key it is
     * ordered by (with id as tie-breaker).
     *
     * @param from     the FROM clause of the rows (tasks as {@code t})
     * @param scanFrom the FROM clause that reads the walked index alone (to find a window's end)
     * @param keyIsId  the walk is in id order (a tag's rows in task_tags): key and id are one column
     * @param idInIndex the walked index holds the id on both databases, so a window's end is exact
     * @param serves   the filter the walk's conditions apply, or null
     */
    /**
     * @param lead the column an (x, created_at) index leads with, fixed to one value by the walk's
     *             condition, written first in the ORDER BY; null for other walks
     */
    record Walk(String from, String scanFrom, List<String> conditions, List<Object> args, String key, String id,
                boolean keyDesc, boolean idDesc, boolean keyIsId, boolean idInIndex, Order order, Filter serves, String lead) {
        long keyOf(Task t) {
            if (keyIsId) return t.id();
            return switch (order) {
                case NEWEST, OLDEST -> t.createdAt().toEpochMilli();
                case PRIORITY -> t.priority();
                case FINISHED -> t.completedAt().toEpochMilli();
            };
        }
    }

    /** The filters an index walk can apply. */
    enum Filter { STATUS, TAG, WORKER, TYPE }

    /** The filters a walk does not serve, checked row by row. */
    private record Residue(List<String> conditions, List<Object> args) {
    }

    /**
     * Which index a list walks. The order decides for PRIORITY (the queue index) and FINISHED
     * (ix_tasks_finished). For NEWEST and OLDEST the filter likely to match fewest rows leads:
     * an open status (pending, queued, running: a small part of any store), then a tag, a worker,
     * a type, a finished status; the other filters are checked on the window.
     */
    Walk walk(ListQuery q) {
        if (q.order() == Order.PRIORITY && q.status() != TaskStatus.QUEUED) {
            throw new IllegalArgumentException("the priority order lists queued tasks only");
        }
        if (q.order() == Order.FINISHED && q.status() != null && !q.status().terminal()) {
            throw new IllegalArgumentException("the finished order lists finished tasks only");
        }
        String t = "tasks t";
        return switch (q.order()) {
            case PRIORITY -> {
                String from = t + dialect.pinIndex("ix_tasks_queue");
                yield new Walk(from, from, List.of("t.status = 'queued'"), List.of(), "t.priority", "t.id",
                        true, false, false, true, Order.PRIORITY, Filter.STATUS, null);
            }
            case FINISHED -> {
                String from = t + dialect.pinIndex("ix_tasks_finished");
                yield new Walk(from, from, List.of("t.completed_at IS NOT NULL"), List.of(), "t.completed_at", "t.id",
                        true, true, false, false, Order.FINISHED, null, null);
            }
            case NEWEST, OLDEST -> {
                boolean desc = q.order() == Order.NEWEST;
                TaskStatus s = q.status();
                if (s != null && !s.terminal()) yield byCreated(q, "ix_tasks_status_created", Filter.STATUS, literal(s), desc);
                if (q.tag() != null) {
                    yield new Walk("task_tags g JOIN tasks t ON t.id = g.task_id", "task_tags g", List.of("g.tag = ?"),
                            List.of(q.tag()), "g.task_id", "g.task_id", desc, desc, true, true, q.order(), Filter.TAG, null);
                }
                if (q.workerId() != null) yield byCreated(q, "ix_tasks_worker_created", Filter.WORKER, null, desc);
                if (q.type() != null) yield byCreated(q, "ix_tasks_type_created", Filter.TYPE, null, desc);
                if (s != null) yield byCreated(q, "ix_tasks_status_created", Filter.STATUS, literal(s), desc);
                yield byCreated(q, "ix_tasks_created", null, null, desc);
            }
        };
    }

    /**
     * A walk in creation order of one of the (x, created_at) indexes; {@code status} is the status
     * literal. The walked filter is a one-value range ({@code x >= v AND x <= v}) and x leads the
     * ORDER BY: PostgreSQL drops a column fixed by an equality from the order, and a backward walk
     * of {@code ix_tasks_created} filtering on x then looks as cheap to it as this index; when the
     * matching tasks are all old (analysis runs among newer tasks of other types) that walk reads
     * every newer task (220 ms on a million). With a range the order is only this index's to give.
     */
    private Walk byCreated(ListQuery q, String index, Filter serves, String status, boolean desc) {
        String from = "tasks t" + dialect.pinIndex(index);
        List<String> cond = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        String lead = null;
        if (serves != null) {
            lead = switch (serves) {
                case STATUS -> "t.status";
                case WORKER -> "t.worker_id";
                case TYPE -> "t.type";
                case TAG -> throw new IllegalArgumentException("a tag walk is not in creation order");
            };
            if (serves == Filter.STATUS) {
                cond.add(lead + " >= " + status + " AND " + lead + " <= " + status);
            } else {
                String v = serves == Filter.TYPE ? q.type() : q.workerId();
                cond.add(lead + " >= ? AND " + lead + " <= ?");
                args.add(v);
                args.add(v);
            }
        }
        return new Walk(from, from, cond, args, "t.created_at", "t.id", desc, desc, false, false, q.order(), serves, lead);
    }

    private static String condition(Filter f, ListQuery q, String status, List<Object> args) {
        return switch (f) {
            case STATUS -> "t.status = " + status;
            case TAG -> {
                args.add(q.tag());
                yield "EXISTS (SELECT 1 FROM task_tags x WHERE x.tag = ? AND x.task_id = t.id)";
            }
            case WORKER -> {
                args.add(q.workerId());
                yield "t.worker_id = ?";
            }
            case TYPE -> {
                args.add(q.type());
                yield "t.type = ?";
            }
        };
    }

    private static Residue residue(ListQuery q, Walk w) {
        List<String> cond = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        String status = q.status() == null ? null : literal(q.status());
        if (status != null && w.serves() != Filter.STATUS) cond.add(condition(Filter.STATUS, q, status, args));
        if (q.tag() != null && w.serves() != Filter.TAG) cond.add(condition(Filter.TAG, q, status, args));
        if (q.workerId() != null && w.serves() != Filter.WORKER) cond.add(condition(Filter.WORKER, q, status, args));
        if (q.type() != null && w.serves() != Filter.TYPE) cond.add(condition(Filter.TYPE, q, status, args));
        if (q.nameContains() != null) {
            cond.add("lower(t.name) LIKE ? ESCAPE '!'");
            args.add("%" + likeEscaped(q.nameContains()) + "%");
        }
        return new Residue(cond, args);
    }

    /**
     * Reads one page. With filters the walk does not serve, the walk's window end is found first
     * (the {@code window}-th index entry from the start, read from the index alone) and the page
     * is read up to it: a filter that matches nothing looks at {@code window} rows, not the table.
     */
    public ListPage list(Connection c, ListQuery q) throws SQLException {
        dialect.beforeIndexOrderedReads(c);
        try {
            return read(c, q);
        } finally {
            dialect.afterIndexOrderedReads(c);
        }
    }

    private ListPage read(Connection c, ListQuery q) throws SQLException {
        Walk w = walk(q);
        boolean keyDesc = w.keyDesc() != q.backward();
        boolean idDesc = w.idDesc() != q.backward();
        List<String> where = new ArrayList<>(w.conditions());
        List<Object> args = new ArrayList<>(w.args());
        if (q.from() != null) where.add(after(w, q.from(), keyDesc, idDesc));
        Residue r = residue(q, w);
        Position end = null;
        if (!r.conditions().isEmpty()) {
            end = windowEnd(c, w, q.from(), keyDesc, idDesc, w.keyIsId() ? Math.max(1, q.window() / TAG_WINDOW_SHARE) : q.window());
            if (end != null) where.add(upTo(w, end, keyDesc, idDesc));
        }
        where.addAll(r.conditions());
        args.addAll(r.args());
        List<Task> rows = rows(c, listSql(w, where, keyDesc, idDesc, q.limit() + 1), args);
        boolean more = rows.size() > q.limit();
        if (more) rows = new ArrayList<>(rows.subList(0, q.limit()));
        boolean windowed = !more && end != null;
        Position onward = more ? position(w, rows.getLast()) : windowed ? end : null;
        // The way back starts before this page's first row; on an empty page, just past `from` (so
        // that the row at `from`, the last one shown before, is shown again).
        Position back = q.from() == null ? null : rows.isEmpty() ? justPast(w, q.from(), idDesc) : position(w, rows.getFirst());
        if (!q.backward()) return new ListPage(rows, back, onward, windowed);
        Collections.reverse(rows);
        return new ListPage(rows, onward, back, windowed);
    }

    static String listSql(Walk w, List<String> where, boolean keyDesc, boolean idDesc, int limit) {
        return "SELECT " + T_COLUMNS + " FROM " + w.from() + where(where) + " ORDER BY " + orderBy(w, keyDesc, idDesc)
                + " LIMIT " + limit;
    }

    /**
     * The place of the {@code window}-th row after {@code from}, or null if fewer rows follow.
     * Read from the walked index alone. Where PostgreSQL's index lacks the id (created_at,
     * completed_at), the end is a key only and takes in every row with that key.
     */
    private Position windowEnd(Connection c, Walk w, Position from, boolean keyDesc, boolean idDesc, int window)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(windowEndSql(w, from, keyDesc, idDesc, window))) {
            bind(ps, w.args());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                long key = rs.getLong(1);
                if (w.keyIsId()) return new Position(key, key);
                if (w.idInIndex()) return new Position(key, rs.getLong(2));
                // Every id of that key, then past it (MAX - 1 leaves room for justPast).
                return new Position(key, idDesc ? 0 : Long.MAX_VALUE - 1);
            }
        }
    }

    static String windowEndSql(Walk w, Position from, boolean keyDesc, boolean idDesc, int window) {
        List<String> where = new ArrayList<>(w.conditions());
        boolean exact = w.keyIsId() || w.idInIndex();
        if (from != null) {
            where.add(exact ? after(w, from, keyDesc, idDesc) : w.key() + (keyDesc ? " <= " : " >= ") + from.key());
        }
        String cols = w.keyIsId() || !w.idInIndex() ? w.key() : w.key() + ", " + w.id();
        String order = w.keyIsId() || !w.idInIndex() ? lead(w, keyDesc) + w.key() + dir(keyDesc) : orderBy(w, keyDesc, idDesc);
        return "SELECT " + cols + " FROM " + w.scanFrom() + where(where) + " ORDER BY " + order
                + " LIMIT 1 OFFSET " + (window - 1);
    }

    /** The place right after {@code p} in the direction of travel: ids are integers. */
    static Position justPast(Walk w, Position p, boolean idDesc) {
        long id = idDesc ? p.id() - 1 : p.id() + 1;
        return new Position(w.keyIsId() ? id : p.key(), id);
    }

    /** Rows strictly after {@code p} in the direction of travel. */
    static String after(Walk w, Position p, boolean keyDesc, boolean idDesc) {
        if (w.keyIsId()) return w.id() + (idDesc ? " < " : " > ") + p.id();
        String k = keyDesc ? "<" : ">";
        return "(" + w.key() + " " + k + "= " + p.key() + " AND (" + w.key() + " " + k + " " + p.key() + " OR " + w.id()
                + (idDesc ? " < " : " > ") + p.id() + "))";
    }

    /** Rows up to and including {@code p} in the direction of travel. */
    static String upTo(Walk w, Position p, boolean keyDesc, boolean idDesc) {
        if (w.keyIsId()) return w.id() + (idDesc ? " >= " : " <= ") + p.id();
        String k = keyDesc ? ">" : "<";
        return "(" + w.key() + " " + k + "= " + p.key() + " AND (" + w.key() + " " + k + " " + p.key() + " OR " + w.id()
                + (idDesc ? " >= " : " <= ") + p.id() + "))";
    }

    private static String orderBy(Walk w, boolean keyDesc, boolean idDesc) {
        if (w.keyIsId()) return w.id() + dir(idDesc);
        return lead(w, keyDesc) + w.key() + dir(keyDesc) + ", " + w.id() + dir(idDesc);
    }

    /** The walk's fixed leading column and a comma, or "" (see {@link #byCreated}). */
    private static String lead(Walk w, boolean desc) {
        return w.lead() == null ? "" : w.lead() + dir(desc) + ", ";
    }

    private static String dir(boolean desc) {
        return desc ? " DESC" : " ASC";
    }

    private static String where(List<String> conditions) {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static Position position(Walk w, Task t) {
        return new Position(w.keyOf(t), t.id());
    }

    private static List<Task> rows(Connection c, String sql, List<Object> args) throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(TaskStore.map(rs));
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) ps.setString(i + 1, (String) args.get(i));
    }

    /** A status as an SQL literal: PostgreSQL uses a partial index only for a query that names its predicate. */
    static String literal(TaskStatus s) {
        return "'" + s.wire() + "'";
    }

    /**
     * {@code text} with LIKE's wildcards and the escape character escaped ({@code ESCAPE '!'}: a
     * backslash would mean another thing in a PostgreSQL literal without standard_conforming_strings).
     */
    static String likeEscaped(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            if (ch == '!' || ch == '%' || ch == '_') b.append('!');
            b.append(ch);
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
