package dev.coxswain.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.NewTask;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Task;
import dev.coxswain.core.domain.TaskQuery;
import dev.coxswain.core.domain.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * SQL for the tasks table and its side tables (dependencies, tags). Reads take a connection,
 * writes a {@link Tx}; deciding what a transition means is {@code engine.TaskTransitions}'s job.
 */
public final class TaskStore {
    static final String COLUMNS = "id, type, name, description, payload, status, priority, run_at, scheduled_at,"
            + " created_at, updated_at, started_at, completed_at, retry_count, max_retries, backoff, attempt,"
            + " timeout_seconds, tags, worker_id, lease_until, result, error, exit_code, checkpoint_enabled,"
            + " checkpoint_data, log_count, origin_kind, origin_id, error_code, progress, progress_message";
    private static final String INSERT = "INSERT INTO tasks (type, name, description, payload, status, priority, run_at,"
            + " scheduled_at, created_at, updated_at, max_retries, backoff, timeout_seconds, tags, deps_pending,"
            + " checkpoint_enabled, origin_kind, origin_id, slot_at, routed, device, owner, owner_limit, log_count)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id";
    /** Parameters of one row of {@link #INSERT}. */
    private static final int ROW_PARAMS = (int) INSERT.chars().filter(ch -> ch == '?').count();
    private static final String INSERT_DEP = "INSERT INTO task_deps (task_id, depends_on) VALUES (?, ?)";
    private static final String INSERT_TAG = "INSERT INTO task_tags (tag, task_id) VALUES (?, ?)";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    /** {@code tasks.routed}: requirements restrict the worker (routed queue). */
    static final int ROUTED = 1;
    /** {@code tasks.routed}: a device task (device queue, one running per device). */
    static final int ROUTED_DEVICE = 2;

    private final SqlDialect dialect;
    private final SealedEnv env;
    private final boolean writesCreationRecords;
    private final boolean writesStartRecords;

    public TaskStore(SqlDialect dialect) {
        this(dialect, Sealer.NONE);
    }

    /** @param sealer seals a payload's {@code env} (read back sealed: executors open it, see {@link SealedEnv}) */
    public TaskStore(SqlDialect dialect, Sealer sealer) {
        this.dialect = dialect;
        this.env = new SealedEnv(sealer);
        this.writesCreationRecords = dialect.insertTaskWithCreation(INSERT) != null;
        this.writesStartRecords = dialect.claimWithStart(dialect.claimSql(1, COLUMNS)) != null;
    }

    // ---- writes ----------------------------------------------------------------------------

    /** Inserts the task with its dependency and tag rows; returns the new id. */
    public long insert(Tx tx, NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now) throws SQLException {
        return insert(tx, t, status, runAt, depsPending, now, null);
    }

    /** @param slotAt the schedule slot this task is the run of, or null */
    public long insert(Tx tx, NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now, Instant slotAt)
            throws SQLException {
        return insert(tx, t, status, runAt, depsPending, now, slotAt, null);
    }

    /** Whether {@link #insert} with creation records writes them itself (see {@link SqlDialect#insertTaskWithCreation}). */
    public boolean writesCreationRecords() {
        return writesCreationRecords;
    }

    /**
     * What an insert records for the new task, when the dialect writes it in the same statement:
     * the event and the first log line, both stamped with the task's creation time.
     */
    public record CreationRecords(String eventType, String eventData, LogLevel level, String message) {
    }

    /**
     * Inserts the task with its dependency and tag rows and, with {@code created} (only when
     * {@link #writesCreationRecords}), its creation records in the same statement.
     */
    public long insert(Tx tx, NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now, Instant slotAt,
                       CreationRecords created) throws SQLException {
        Connection c = tx.connection();
        String withRecords = created == null ? null : dialect.insertTaskWithCreation(INSERT);
        long id;
        try (PreparedStatement ps = c.prepareStatement(withRecords != null ? withRecords : INSERT)) {
            bindRow(ps, 0, t, status, runAt, depsPending, now, slotAt);
            if (withRecords != null) bindCreation(ps, ROW_PARAMS, created, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        insertDeps(c, id, t.dependencies());
        insertTags(c, id, t.tags());
        return id;
    }

    /** A task for {@link #insertAll}: what {@link #insert} takes for one. */
    public record NewRow(NewTask task, TaskStatus status, Instant runAt, int depsPending, Instant slotAt) {
    }

    /**
     * Rows per multi-row insert at most: 512 rows are 11,776 parameters, well under SQLite's
     * 32,766 and the PostgreSQL driver's 32,767.
     */
    static final int MAX_ROWS_PER_INSERT = 512;

    /**
     * Inserts many tasks created at {@code now}, with their dependency and tag rows, as a few
     * multi-row inserts (see {@link Sql#parts}) instead of a statement per task; with {@code created}
     * (only when {@link #writesCreationRecords}; the same records for every row) their creation
     * records go in the same statements.
     *
     * @return the new ids, in the order of {@code rows}
     */
    public long[] insertAll(Tx tx, List<NewRow> rows, Instant now, CreationRecords created) throws SQLException {
        Connection c = tx.connection();
        long[] ids = new long[rows.size()];
        int from = 0;
        for (int part : Sql.parts(rows.size(), MAX_ROWS_PER_INSERT)) {
            String sql = multiRowInsert(part);
            String withRecords = created == null ? null : dialect.insertTaskWithCreation(sql);
            try (PreparedStatement ps = c.prepareStatement(withRecords != null ? withRecords : sql)) {
                for (int i = 0; i < part; i++) {
                    NewRow r = rows.get(from + i);
                    bindRow(ps, i * ROW_PARAMS, r.task(), r.status(), r.runAt(), r.depsPending(), now, r.slotAt());
                }
                if (withRecords != null) bindCreation(ps, part * ROW_PARAMS, created, now);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids[from + n++] = rs.getLong(1);
                }
                if (n != part) throw new SQLException("a multi-row insert of " + part + " tasks returned " + n + " ids");
            }
            // RETURNING promises no order, but one statement draws its rows' ids in the order of its
            // VALUES (SQLite's single writer takes the next rowid per row; PostgreSQL evaluates the
            // sequence default row by row as the VALUES list is read): sorted, they match the rows.
            Arrays.sort(ids, from, from + part);
            from += part;
        }
        insertLinks(c, ids, rows);
        return ids;
    }

    /** {@link #INSERT} with {@code n} rows of values. */
    static String multiRowInsert(int n) {
        int values = INSERT.indexOf(" VALUES ");
        int returning = INSERT.indexOf(" RETURNING ");
        String row = INSERT.substring(values + " VALUES ".length(), returning);
        StringBuilder sb = new StringBuilder(INSERT.length() + n * (row.length() + 2));
        sb.append(INSERT, 0, values + " VALUES ".length());
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(row);
        return sb.append(INSERT, returning, INSERT.length()).toString();
    }

    /** The creation records' parameters, after {@code base} parameters (see {@link SqlDialect#insertTaskWithCreation}). */
    private static void bindCreation(PreparedStatement ps, int base, CreationRecords created, Instant now) throws SQLException {
        ps.setLong(base + 1, now.toEpochMilli());
        ps.setString(base + 2, created.eventType());
        ps.setString(base + 3, created.eventData());
        ps.setLong(base + 4, now.toEpochMilli());
        ps.setString(base + 5, created.level().wire());
        ps.setString(base + 6, created.message());
    }

    /** The dependency and tag rows of many new tasks: one batch each. */
    private static void insertLinks(Connection c, long[] ids, List<NewRow> rows) throws SQLException {
        boolean anyDeps = false, anyTags = false;
        for (NewRow r : rows) {
            anyDeps |= !r.task().dependencies().isEmpty();
            anyTags |= !r.task().tags().isEmpty();
        }
        if (anyDeps) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_DEP)) {
                for (int i = 0; i < ids.length; i++) {
                    for (long d : rows.get(i).task().dependencies()) {
                        ps.setLong(1, ids[i]);
                        ps.setLong(2, d);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
        if (anyTags) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_TAG)) {
                for (int i = 0; i < ids.length; i++) {
                    for (String tag : new java.util.LinkedHashSet<>(rows.get(i).task().tags())) {
                        ps.setString(1, tag);
                        ps.setLong(2, ids[i]);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
    }

    /** The values of one row of {@link #INSERT} (all but the constant {@code log_count}), from {@code base + 1} on. */
    private void bindRow(PreparedStatement ps, int base, NewTask t, TaskStatus status, Instant runAt, int depsPending,
                         Instant now, Instant slotAt) throws SQLException {
        ps.setString(base + 1, t.type());
        ps.setString(base + 2, t.name());
        ps.setString(base + 3, t.description());
        ps.setString(base + 4, Json.write(env.seal(t.payload())));
        ps.setString(base + 5, status.wire());
        ps.setInt(base + 6, t.priority());
        ps.setLong(base + 7, runAt.toEpochMilli());
        Sql.setMillis(ps, base + 8, t.scheduledAt());
        ps.setLong(base + 9, now.toEpochMilli());
        ps.setLong(base + 10, now.toEpochMilli());
        ps.setInt(base + 11, t.maxRetries());
        ps.setString(base + 12, t.backoff());
        ps.setInt(base + 13, t.timeoutSeconds());
        ps.setString(base + 14, Json.write(t.tags()));
        ps.setInt(base + 15, depsPending);
        ps.setBoolean(base + 16, t.checkpointEnabled());
        ps.setString(base + 17, t.originKind());
        ps.setString(base + 18, t.originId());
        Sql.setMillis(ps, base + 19, slotAt);
        // A task whose payload names requirements is left to the workers that meet them (see
        // routedCandidates); one that names a device waits in that device's queue (deviceHeads).
        JsonNode req = t.payload() == null ? null : t.payload().get("requirements");
        String device = t.device();
        Integer routed = device != null ? Integer.valueOf(ROUTED_DEVICE) : req != null && !req.isNull() ? Integer.valueOf(ROUTED) : null;
        Sql.setInt(ps, base + 20, routed);
        ps.setString(base + 21, device);
        ps.setString(base + 22, t.owner());
        Sql.setInt(ps, base + 23, t.ownerLimit());
    }

    void insertDeps(Connection c, long id, Collection<Long> deps) throws SQLException {
        if (deps.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(INSERT_DEP)) {
            for (long d : deps) {
                ps.setLong(1, id);
                ps.setLong(2, d);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void insertTags(Connection c, long id, Collection<String> tags) throws SQLException {
        if (tags.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(INSERT_TAG)) {
            for (String tag : new java.util.LinkedHashSet<>(tags)) {
                ps.setString(1, tag);
                ps.setLong(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void replaceDeps(Tx tx, long id, Collection<Long> deps) throws SQLException {
        exec(tx.connection(), "DELETE FROM task_deps WHERE task_id = ?", id);
        insertDeps(tx.connection(), id, deps);
    }

    public void replaceTags(Tx tx, long id, List<String> tags) throws SQLException {
        exec(tx.connection(), "DELETE FROM task_tags WHERE task_id = ?", id);
        insertTags(tx.connection(), id, tags);
        exec(tx.connection(), "UPDATE tasks SET tags = ? WHERE id = ?", Json.write(tags), id);
    }

    /**
     * Sets columns of one task. {@code sets} maps column name (fixed identifiers from the caller,
     * never user text) to value; Instants are stored as epoch millis.
     *
     * @param expectStatus when not null, the update applies only while the task is in this status
     * @return whether a row was updated
     */
    public boolean update(Tx tx, long id, Map<String, Object> sets, TaskStatus expectStatus) throws SQLException {
        StringJoiner sj = new StringJoiner(", ");
        List<Object> args = new ArrayList<>();
        for (var e : sets.entrySet()) {
            sj.add(e.getKey() + " = ?");
            args.add(toSql(e.getValue()));
        }
        String sql = "UPDATE tasks SET " + sj + " WHERE id = ?" + (expectStatus != null ? " AND status = ?" : "");
        args.add(id);
        if (expectStatus != null) args.add(expectStatus.wire());
        return exec(tx.connection(), sql, args.toArray()) > 0;
    }

    private static Object toSql(Object v) {
        if (v instanceof Instant i) return i.toEpochMilli();
        if (v instanceof TaskStatus s) return s.wire();
        if (v instanceof com.fasterxml.jackson.databind.JsonNode n) return Json.write(n);
        return v;
    }

    /** Claims up to {@code limit} queued tasks of the given types for one worker, highest priority then oldest first. */
    public List<Task> claim(Tx tx, String workerId, Collection<String> types, int limit, Instant now, Instant leaseUntil)
            throws SQLException {
        return claim(tx, workerId, types, limit, now, leaseUntil, null);
    }

    /**
     * What a claim records for each task it starts, when the dialect writes it in the same
     * statement: the event, and the log line {@code before + attempt + between + worker + after}.
     */
    public record StartRecords(String eventType, String eventData, LogLevel level, String before, String between,
                               String after) {
    }

    /** Whether {@link #claim} with start records writes them itself (see {@link SqlDialect#claimWithStart}). */
    public boolean writesStartRecords() {
        return writesStartRecords;
    }

    /**
     * Claims up to {@code limit} queued tasks of these types for the worker; with {@code start}
     * (only when {@link #writesStartRecords}) also writes their start records in the same statement.
     */
    public List<Task> claim(Tx tx, String workerId, Collection<String> types, int limit, Instant now, Instant leaseUntil,
                            StartRecords start) throws SQLException {
        List<Task> out = new ArrayList<>(limit);
        dialect.beforeClaim(tx.connection());
        String claim = dialect.claimSql(types.size(), COLUMNS);
        String sql = start == null ? claim : dialect.claimWithStart(claim);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, workerId);
            ps.setLong(i++, now.toEpochMilli());
            ps.setLong(i++, now.toEpochMilli());
            ps.setLong(i++, leaseUntil.toEpochMilli());
            for (String t : types) ps.setString(i++, t);
            ps.setInt(i++, limit);
            if (start != null) {
                ps.setLong(i++, now.toEpochMilli());
                ps.setString(i++, start.eventType());
                ps.setString(i++, start.eventData());
                ps.setLong(i++, now.toEpochMilli());
                ps.setString(i++, start.level().wire());
                ps.setString(i++, start.before());
                ps.setString(i++, start.between());
                ps.setString(i, start.after());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        dialect.afterClaim(tx.connection());
        // RETURNING gives no order guarantee; hand them out in queue order.
        out.sort((a, b) -> a.priority() != b.priority() ? Integer.compare(b.priority(), a.priority()) : Long.compare(a.id(), b.id()));
        return out;
    }

    /**
     * The worker is compared through {@code coalesce} (a running task always has one, so it changes
     * nothing) because a plain {@code worker_id = ?} let PostgreSQL's cached generic plan pick the
     * {@code (worker_id, status)} index over the primary key and walk every running row of the
     * worker, dead versions included, for each completion (seen: backlog drain down from ~4,700 to
     * ~450 tasks/s). V6 does the same for {@code status} by dropping its statistics.
     */
    static final String COMPLETE = "UPDATE tasks SET status = 'completed', completed_at = ?, updated_at = ?,"
            + " lease_until = NULL, result = ?, exit_code = ?, error = NULL, error_code = NULL, log_count = log_count + 1"
            + " WHERE id = ? AND status = 'running' AND attempt = ? AND coalesce(worker_id, '') = ?";

    /**
     * Marks successful attempts completed, each guarded by "still running this attempt on the
     * reporting worker", and counts the completion's lifecycle log line.
     *
     * @return for each completion, whether it applied
     */
    public boolean[] completeAll(Tx tx, List<dev.coxswain.core.exec.Completion> done) throws SQLException {
        boolean[] applied = new boolean[done.size()];
        if (done.isEmpty()) return applied;
        try (PreparedStatement ps = tx.connection().prepareStatement(COMPLETE)) {
            for (var c : done) {
                ps.setLong(1, c.finishedAt().toEpochMilli());
                ps.setLong(2, c.finishedAt().toEpochMilli());
                ps.setString(3, c.result().result());
                Sql.setInt(ps, 4, c.result().exitCode());
                ps.setLong(5, c.taskId());
                ps.setInt(6, c.attempt());
                ps.setString(7, c.workerId());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) applied[i] = counts[i] > 0 || counts[i] == Statement.SUCCESS_NO_INFO;
        }
        return applied;
    }

    /** A queued task whose payload names requirements, as a worker checks it before claiming. */
    public record RoutedCandidate(long id, int priority, JsonNode requirements) {
    }

    /**
     * Queued tasks of these types that name requirements, in claim order ({@code routed = 1} has
     * its own partial index, so this never walks the plain queue).
     */
    public List<RoutedCandidate> routedCandidates(Connection c, Collection<String> types, int limit) throws SQLException {
        List<RoutedCandidate> out = new ArrayList<>();
        if (types.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, priority, payload FROM " + dialect.routedQueue()
                + " WHERE status = 'queued' AND routed = 1 AND type IN (" + Sql.placeholders(types.size())
                + ") ORDER BY priority DESC, id LIMIT ?")) {
            int i = 1;
            for (String t : types) ps.setString(i++, t);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode p = Json.read(rs.getString(3));
                    out.add(new RoutedCandidate(rs.getLong(1), rs.getInt(2), p == null ? null : p.get("requirements")));
                }
            }
        }
        return out;
    }

    /** The first queued task of a free device, as a worker checks it before claiming. */
    public record DeviceHead(long id, String device, int priority, JsonNode requirements, String owner, Integer ownerLimit) {
    }

    /**
     * The head of each device queue the worker may take from now: for each present, free device it
     * owns, its first queued task of these types in claim order (priority, then age); the heads
     * themselves in claim order. Each device's head is one probe of its queue's partial index, so
     * the cost follows the worker's devices, not the queue's length (the SQL is the dialect's:
     * {@link SqlDialect#deviceHeadsSql}).
     */
    public List<DeviceHead> deviceHeads(Connection c, String workerId, Collection<String> types, int limit) throws SQLException {
        List<DeviceHead> out = new ArrayList<>();
        if (types.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement(dialect.deviceHeadsSql(types.size()))) {
            int i = 1;
            for (String t : types) ps.setString(i++, t);
            ps.setString(i++, workerId);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode p = Json.read(rs.getString(4));
                    out.add(new DeviceHead(rs.getLong(1), rs.getString(2), rs.getInt(3), p == null ? null : p.get("requirements"),
                            rs.getString(5), Sql.integer(rs, 6)));
                }
            }
        }
        return out;
    }

    /** How many device tasks of this owner run now. */
    public int countOwnerRunning(Connection c, String owner) throws SQLException {
        return (int) Sql.count(c, "SELECT COUNT(*) FROM tasks WHERE owner = ? AND status = 'running' AND routed = 2", owner);
    }

    /**
     * Whether a queued task of these types that names no requirements comes before the task at
     * ({@code priority}, {@code id}) in claim order: a routed task must not overtake it.
     */
    public boolean plainQueuedBefore(Connection c, Collection<String> types, int priority, long id) throws SQLException {
        if (types.isEmpty()) return false;
        try (PreparedStatement ps = c.prepareStatement("SELECT priority, id FROM tasks WHERE status = 'queued'"
                + " AND routed IS NULL AND type IN (" + Sql.placeholders(types.size()) + ") ORDER BY priority DESC, id LIMIT 1")) {
            int i = 1;
            for (String t : types) ps.setString(i++, t);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                return rs.getInt(1) > priority || rs.getInt(1) == priority && rs.getLong(2) < id;
            }
        }
    }

    /**
     * Claims one queued task by id for the worker (guarded: null when it is no longer queued),
     * counting the start line the caller writes.
     */
    public Task claimById(Tx tx, long id, String workerId, Instant now, Instant leaseUntil) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE tasks SET status = 'running', worker_id = ?,"
                + " started_at = ?, updated_at = ?, lease_until = ?, attempt = attempt + 1, log_count = log_count + 1,"
                + " progress = NULL, progress_message = NULL" // a new attempt has reported no progress yet
                + " WHERE id = ? AND status = 'queued' RETURNING " + COLUMNS)) {
            ps.setString(1, workerId);
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, now.toEpochMilli());
            ps.setLong(4, leaseUntil.toEpochMilli());
            ps.setLong(5, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? map(rs) : null;
            }
        }
    }

    /** How many tasks the worker runs now. */
    public int countRunning(Connection c, String workerId) throws SQLException {
        return (int) Sql.count(c, "SELECT COUNT(*) FROM tasks WHERE worker_id = ? AND status = 'running'", workerId);
    }

    /**
     * Running attempts on remote workers past their own timeout at {@code now}. The running set is
     * small (bounded by the workers' capacity) and served by the lease index.
     */
    public List<Task> overdueRemote(Connection c, Instant now, int limit) throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE status = 'running'"
                + " AND lease_until IS NOT NULL AND started_at + timeout_seconds * 1000 < ?"
                + " AND worker_id IN (SELECT id FROM workers WHERE kind = 'remote') LIMIT ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        return out;
    }

    /** Every running task of the worker (its attempts are lost when it goes offline). */
    public List<Task> runningOn(Connection c, String workerId) throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE worker_id = ? AND status = 'running'")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        return out;
    }

    /** Which of these tasks have dependents (so completing them may release others). */
    public List<Long> withDependents(Connection c, Collection<Long> ids) throws SQLException {
        List<Long> out = new ArrayList<>();
        if (ids.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT depends_on FROM task_deps WHERE depends_on IN ("
                + Sql.placeholders(ids.size()) + ")")) {
            int i = 1;
            for (long id : ids) ps.setLong(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** Moves due pending tasks with no open dependencies to queued. */
    public int promoteDue(Tx tx, Instant now) throws SQLException {
        return exec(tx.connection(), "UPDATE tasks SET status = 'queued', updated_at = ?"
                + " WHERE status = 'pending' AND deps_pending = 0 AND run_at <= ?", now.toEpochMilli(), now.toEpochMilli());
    }

    /** One dependency of each of these tasks completed; those left with none and due become queued. */
    public void dependencyCompleted(Tx tx, long depId, Instant now) throws SQLException {
        Connection c = tx.connection();
        exec(c, "UPDATE tasks SET deps_pending = deps_pending - 1, updated_at = ?"
                + " WHERE status = 'pending' AND id IN (SELECT task_id FROM task_deps WHERE depends_on = ?)",
                now.toEpochMilli(), depId);
        // run_at becomes now: the task is due from the moment its last dependency completed (the
        // WHERE guarantees run_at <= now, so this never delays it; claims order by priority and id).
        exec(c, "UPDATE tasks SET status = 'queued', run_at = ?, updated_at = ?"
                + " WHERE status = 'pending' AND deps_pending = 0 AND run_at <= ?"
                + " AND id IN (SELECT task_id FROM task_deps WHERE depends_on = ?)",
                now.toEpochMilli(), now.toEpochMilli(), now.toEpochMilli(), depId);
    }

    /**
     * Extends the leases of the given attempts only. A worker renews what it actually runs: after
     * a crash and restart under the same worker id, the tasks the dead process held must expire.
     */
    public void renewLeases(Tx tx, String workerId, Collection<Long> ids, Instant leaseUntil) throws SQLException {
        if (ids.isEmpty()) return;
        List<Object> args = new ArrayList<>();
        args.add(leaseUntil.toEpochMilli());
        args.add(workerId);
        args.addAll(ids);
        exec(tx.connection(), "UPDATE tasks SET lease_until = ? WHERE worker_id = ? AND status = 'running' AND id IN ("
                + Sql.placeholders(ids.size()) + ")", args.toArray());
    }

    public void addLogCount(Tx tx, long id, int n) throws SQLException {
        exec(tx.connection(), "UPDATE tasks SET log_count = log_count + ? WHERE id = ?", n, id);
    }

    public void delete(Tx tx, long id) throws SQLException {
        Connection c = tx.connection();
        exec(c, "DELETE FROM task_deps WHERE task_id = ?", id);
        exec(c, "DELETE FROM task_tags WHERE task_id = ?", id);
        exec(c, "DELETE FROM task_logs WHERE task_id = ?", id);
        exec(c, "DELETE FROM tasks WHERE id = ?", id);
    }

    // ---- reads -----------------------------------------------------------------------------

    public Task find(Connection c, long id) throws SQLException {
        return findLocked(c, id, false);
    }

    /** Reads a task inside a write transaction, locking its row on PostgreSQL. */
    /** Records the status a remote worker's successful result carried when it was not plain {@code success}. */
    public void setResultStatus(Tx tx, long id, String status) throws SQLException {
        exec(tx.connection(), "UPDATE tasks SET result_status = ? WHERE id = ?", status, id);
    }

    public Task findForUpdate(Tx tx, long id) throws SQLException {
        return findLocked(tx.connection(), id, true);
    }

    private Task findLocked(Connection c, long id, boolean lock) throws SQLException {
        Task t;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ?"
                + (lock ? dialect.forUpdate() : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                t = map(rs);
            }
        }
        return t.withDependencies(dependencies(c, List.of(id)).getOrDefault(id, List.of()));
    }

    /** Statuses of the given tasks (missing ids are absent), locking them when asked. */
    public Map<Long, TaskStatus> statuses(Connection c, Collection<Long> ids, boolean lock) throws SQLException {
        Map<Long, TaskStatus> out = new HashMap<>();
        if (ids.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status FROM tasks WHERE id IN ("
                + Sql.placeholders(ids.size()) + ")" + (lock ? dialect.forUpdate() : ""))) {
            int i = 1;
            for (long id : ids) ps.setLong(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getLong(1), TaskStatus.fromWire(rs.getString(2)));
            }
        }
        return out;
    }

    public Map<Long, List<Long>> dependencies(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, List<Long>> out = new HashMap<>();
        if (ids.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT task_id, depends_on FROM task_deps WHERE task_id IN ("
                + Sql.placeholders(ids.size()) + ") ORDER BY task_id, depends_on")) {
            int i = 1;
            for (long id : ids) ps.setLong(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2));
            }
        }
        return out;
    }

    /** Tasks that name {@code id} as a dependency. */
    public List<Long> dependents(Connection c, long id, boolean onlyUnfinished) throws SQLException {
        List<Long> out = new ArrayList<>();
        String sql = "SELECT d.task_id FROM task_deps d" + (onlyUnfinished ? " JOIN tasks t ON t.id = d.task_id" : "")
                + " WHERE d.depends_on = ?" + (onlyUnfinished ? " AND t.status IN ('pending', 'queued')" : "")
                + " ORDER BY d.task_id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** Whether {@code target} is reachable from {@code from} by following dependency edges. */
    public boolean reaches(Connection c, Collection<Long> from, long target) throws SQLException {
        if (from.isEmpty()) return false;
        if (from.contains(target)) return true;
        String sql = "WITH RECURSIVE reach(id) AS (SELECT depends_on FROM task_deps WHERE task_id IN ("
                + Sql.placeholders(from.size()) + ") UNION SELECT d.depends_on FROM task_deps d JOIN reach r ON d.task_id = r.id)"
                + " SELECT 1 FROM reach WHERE id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (long id : from) ps.setLong(i++, id);
            ps.setLong(i, target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public Page<Task> list(Connection c, TaskQuery q) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!q.statuses().isEmpty()) {
            where.append(" AND status IN (").append(Sql.placeholders(q.statuses().size())).append(')');
            for (TaskStatus s : q.statuses()) args.add(s.wire());
        }
        if (q.tag() != null) {
            where.append(" AND id IN (SELECT task_id FROM task_tags WHERE tag = ?)");
            args.add(q.tag());
        }
        if (q.workerId() != null) {
            where.append(" AND worker_id = ?");
            args.add(q.workerId());
        }
        long total = Sql.count(c, "SELECT COUNT(*) FROM tasks" + where, args.toArray());
        String dir = q.ascending() ? " ASC" : " DESC";
        // NULLs sort as "not yet" on both databases, and id breaks ties so pages never overlap.
        String order = " ORDER BY " + (nullable(q.sort().column()) ? "(" + q.sort().column() + " IS NULL)"
                + (q.ascending() ? " DESC" : " ASC") + ", " : "") + q.sort().column() + dir + ", id" + dir;
        List<Task> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks" + where + order + " LIMIT ? OFFSET ?")) {
            int i = 1;
            for (Object a : args) ps.setObject(i++, a);
            ps.setInt(i++, q.limit());
            ps.setInt(i, q.offset());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) items.add(map(rs));
            }
        }
        Map<Long, List<Long>> deps = dependencies(c, items.stream().map(Task::id).toList());
        items.replaceAll(t -> t.withDependencies(deps.getOrDefault(t.id(), List.of())));
        return new Page<>(items, total);
    }

    private static boolean nullable(String column) {
        return column.equals("started_at") || column.equals("completed_at");
    }

    /** Running tasks whose lease ran out before {@code now}. */
    public List<Task> expiredLeases(Connection c, Instant now, int limit) throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE status = 'running'"
                + " AND lease_until < ? ORDER BY lease_until LIMIT ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        return out;
    }

    /** The earliest run_at of a pending task that waits only for time, or null. */
    public Instant nextDue(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(run_at) FROM tasks WHERE status = 'pending' AND deps_pending = 0")) {
            if (!rs.next()) return null;
            long v = rs.getLong(1);
            return rs.wasNull() ? null : Instant.ofEpochMilli(v);
        }
    }

    public List<Long> runningIds(Connection c, String workerId) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tasks WHERE worker_id = ? AND status = 'running' ORDER BY id")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /**
     * {@code worker_id >= ? AND worker_id <= ?} (one value twice) and not {@code = ?}: PostgreSQL
     * drops a column fixed by an equality from the ORDER BY, and then a backward walk of
     * {@code ix_tasks_created} filtering on the worker looks as cheap to it as this index; for a
     * worker whose tasks are all old that walk reads every newer task (150 ms on a million). With
     * a range the order is only this index's to give.
     */
    static final String RECENT_OF_WORKER = "SELECT " + COLUMNS + " FROM tasks WHERE worker_id >= ? AND worker_id <= ?"
            + " ORDER BY worker_id DESC, created_at DESC, id DESC LIMIT ?";

    /**
     * The newest tasks a worker runs or ran (its latest attempt's worker), newest first, without a
     * count: {@code ix_tasks_worker_created (worker_id, created_at)} serves it in {@code limit} rows
     * however many tasks the worker has run.
     */
    public List<Task> recentOfWorker(Connection c, String workerId, int limit) throws SQLException {
        List<Task> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RECENT_OF_WORKER)) {
            ps.setString(1, workerId);
            ps.setString(2, workerId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        return out;
    }

    public Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        Map<TaskStatus, Long> out = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM tasks GROUP BY status")) {
            while (rs.next()) out.put(TaskStatus.fromWire(rs.getString(1)), rs.getLong(2));
        }
        return out;
    }

    /** Tasks that reached {@code status} with completed_at in [from, to). */
    public long countFinished(Connection c, TaskStatus status, Instant from, Instant to) throws SQLException {
        return Sql.count(c, "SELECT COUNT(*) FROM tasks WHERE completed_at >= ? AND completed_at < ? AND status = ?",
                from.toEpochMilli(), to.toEpochMilli(), status.wire());
    }

    /** Finished-task aggregates for one time bucket: [completed, failed, avg run millis of finished]. */
    public double[] bucketStats(Connection c, Instant from, Instant to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT"
                + " SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),"
                + " AVG(CASE WHEN started_at IS NOT NULL THEN completed_at - started_at END)"
                + " FROM tasks WHERE completed_at >= ? AND completed_at < ? AND status IN ('completed', 'failed')")) {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[]{rs.getLong(1), rs.getLong(2), rs.getDouble(3)};
            }
        }
    }

    /** Queued tasks per priority band: [high (10), normal (5–9), low (1–4)]. */
    public long[] queueDepths(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT"
                     + " SUM(CASE WHEN priority >= 10 THEN 1 ELSE 0 END),"
                     + " SUM(CASE WHEN priority BETWEEN 5 AND 9 THEN 1 ELSE 0 END),"
                     + " SUM(CASE WHEN priority < 5 THEN 1 ELSE 0 END)"
                     + " FROM tasks WHERE status = 'queued'")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /** Seals the {@code env} of task payloads stored in clear (rows from before sealing). @return how many */
    public int sealClearEnv(Tx tx) throws SQLException {
        return ScheduleStore.sealClearEnv(tx, env, "tasks");
    }

    // ---- mapping ---------------------------------------------------------------------------

    /**
     * A task from a row that starts with {@link #COLUMNS} (every caller selects or returns exactly
     * those first). Read by position: by label, sqlite-jdbc builds each result set's label map
     * anew with a JNI call per column (~8 % of the store writer's CPU per remote task).
     */
    static Task map(ResultSet rs) throws SQLException {
        return new Task(
                rs.getLong(C_ID), rs.getString(C_TYPE), rs.getString(C_NAME), rs.getString(C_DESCRIPTION),
                Json.read(rs.getString(C_PAYLOAD)), TaskStatus.fromWire(rs.getString(C_STATUS)),
                rs.getInt(C_PRIORITY), Sql.instant(rs, C_RUN_AT), Sql.instant(rs, C_SCHEDULED_AT),
                Sql.instant(rs, C_CREATED_AT), Sql.instant(rs, C_UPDATED_AT), Sql.instant(rs, C_STARTED_AT),
                Sql.instant(rs, C_COMPLETED_AT), rs.getInt(C_RETRY_COUNT), rs.getInt(C_MAX_RETRIES),
                rs.getString(C_BACKOFF), rs.getInt(C_ATTEMPT), rs.getInt(C_TIMEOUT_SECONDS),
                readTags(rs.getString(C_TAGS)), List.of(), rs.getString(C_WORKER_ID), Sql.instant(rs, C_LEASE_UNTIL),
                rs.getString(C_RESULT), rs.getString(C_ERROR), Sql.integer(rs, C_EXIT_CODE),
                rs.getBoolean(C_CHECKPOINT_ENABLED), Json.read(rs.getString(C_CHECKPOINT_DATA)),
                rs.getInt(C_LOG_COUNT), rs.getString(C_ORIGIN_KIND), rs.getString(C_ORIGIN_ID),
                rs.getString(C_ERROR_CODE), Sql.doubleOrNull(rs, C_PROGRESS), rs.getString(C_PROGRESS_MESSAGE));
    }

    /** The 1-based position of {@code name} in {@link #COLUMNS}; fails at class load if it is missing. */
    private static int column(String name) {
        List<String> names = java.util.Arrays.stream(COLUMNS.split(",")).map(String::trim).toList();
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalStateException("column " + name + " is not in TaskStore.COLUMNS");
        return i + 1;
    }

    private static final int C_ID = column("id"), C_TYPE = column("type"), C_NAME = column("name"),
            C_DESCRIPTION = column("description"), C_PAYLOAD = column("payload"), C_STATUS = column("status"),
            C_PRIORITY = column("priority"), C_RUN_AT = column("run_at"), C_SCHEDULED_AT = column("scheduled_at"),
            C_CREATED_AT = column("created_at"), C_UPDATED_AT = column("updated_at"), C_STARTED_AT = column("started_at"),
            C_COMPLETED_AT = column("completed_at"), C_RETRY_COUNT = column("retry_count"),
            C_MAX_RETRIES = column("max_retries"), C_BACKOFF = column("backoff"), C_ATTEMPT = column("attempt"),
            C_TIMEOUT_SECONDS = column("timeout_seconds"), C_TAGS = column("tags"), C_WORKER_ID = column("worker_id"),
            C_LEASE_UNTIL = column("lease_until"), C_RESULT = column("result"), C_ERROR = column("error"),
            C_EXIT_CODE = column("exit_code"), C_CHECKPOINT_ENABLED = column("checkpoint_enabled"),
            C_CHECKPOINT_DATA = column("checkpoint_data"), C_LOG_COUNT = column("log_count"),
            C_ORIGIN_KIND = column("origin_kind"), C_ORIGIN_ID = column("origin_id"), C_ERROR_CODE = column("error_code"),
            C_PROGRESS = column("progress"), C_PROGRESS_MESSAGE = column("progress_message");

    private static List<String> readTags(String json) {
        try {
            return json == null ? List.of() : Json.MAPPER.readValue(json, STRINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }
}
