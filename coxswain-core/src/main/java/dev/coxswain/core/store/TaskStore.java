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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Every new task's creation line and event are derived from its row ({@link Lifecycle#CREATED}). */
    private static final String INSERT_INTO = "INSERT INTO tasks (type, name, description, payload, status, priority,"
            + " run_at, scheduled_at, created_at, updated_at, max_retries, backoff, timeout_seconds, tags, deps_pending,"
            + " checkpoint_enabled, origin_kind, origin_id, slot_at, routed, device, owner, owner_limit, log_count,"
            + " lifecycle, created_status) VALUES ";
    private static final String INSERT_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, "
            + Lifecycle.CREATED + ", ?)";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    /** {@code tasks.routed}: requirements restrict the worker (routed queue). */
    static final int ROUTED = 1;
    /** {@code tasks.routed}: a device task (device queue, one running per device). */
    static final int ROUTED_DEVICE = 2;

    private final SqlDialect dialect;
    private final SealedEnv env;
    private final boolean writesStartRecords;
    private final TaskRollups rollups;

    public TaskStore(SqlDialect dialect) {
        this(dialect, Sealer.NONE);
    }

    /** @param sealer seals a payload's {@code env} (read back sealed: executors open it, see {@link SealedEnv}) */
    public TaskStore(SqlDialect dialect, Sealer sealer) {
        this(dialect, sealer, new TaskRollups(dialect));
    }

    /** @param rollups told of every change of a task's counted columns (every such write is in this class) */
    public TaskStore(SqlDialect dialect, Sealer sealer, TaskRollups rollups) {
        this.dialect = dialect;
        this.rollups = rollups;
        this.env = new SealedEnv(sealer);
        this.writesStartRecords = dialect.claimWithStart(dialect.claimSql(1, COLUMNS)) != null;
    }

    // ---- writes ----------------------------------------------------------------------------

    /** Inserts the task with its dependency and tag rows; returns the new id. */
    public long insert(Tx tx, NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now) throws SQLException {
        return insert(tx, t, status, runAt, depsPending, now, null);
    }

    /**
     * Inserts the task with its dependency and tag rows; its creation line and event are derived
     * from the row ({@link Lifecycle}), so the caller only queues the event's webhook deliveries.
     *
     * @param slotAt the schedule slot this task is the run of, or null
     */
    public long insert(Tx tx, NewTask t, TaskStatus status, Instant runAt, int depsPending, Instant now, Instant slotAt)
            throws SQLException {
        return insertAll(tx, List.of(new NewRow(t, status, runAt, depsPending, slotAt)), now)[0];
    }

    /** One task of {@link #insertAll}: what it is, the status it starts in, when it is due. */
    public record NewRow(NewTask task, TaskStatus status, Instant runAt, int depsPending, Instant slotAt) {
    }

    /**
     * Rows per multi-row INSERT at most, cut by {@link Sql#parts} into powers of two, so the few
     * statement texts stay compiled in SQLite's writer cache (one per batch length would push the
     * hot ones out). 24 parameters a row stays far below either database's bound.
     */
    private static final int INSERT_ROWS = 256;

    /**
     * Inserts the tasks with their dependency and tag rows in as few statements as they allow:
     * multi-row INSERTs of up to 256 tasks, one batch each for tags and
     * dependencies. Each task's creation line and event are derived from its row
     * ({@link Lifecycle}), so the caller only queues the event's webhook deliveries.
     *
     * @return the new ids, in the order of {@code rows}
     */
    public long[] insertAll(Tx tx, List<NewRow> rows, Instant now) throws SQLException {
        Connection c = tx.connection();
        long[] ids = new long[rows.size()];
        int from = 0;
        for (int size : Sql.parts(rows.size(), INSERT_ROWS)) {
            List<NewRow> chunk = rows.subList(from, from + size);
            StringBuilder sql = new StringBuilder(INSERT_INTO);
            for (int i = 0; i < chunk.size(); i++) sql.append(i == 0 ? "" : ", ").append(INSERT_VALUES);
            sql.append(" RETURNING id");
            List<Long> got = new ArrayList<>(chunk.size());
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (NewRow r : chunk) p = bind(ps, p, r, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) got.add(rs.getLong(1));
                }
            }
            // Both databases number the rows of one INSERT in the order of its VALUES, and
            // RETURNING promises no order: the ids sorted are the rows' ids in order.
            got.sort(null);
            for (int i = 0; i < chunk.size(); i++) ids[from + i] = got.get(i);
            from += size;
        }
        for (NewRow r : rows) rollups.inserted(tx, r.status(), r.task().originKind(), r.task().priority());
        List<Long> depTasks = new ArrayList<>();
        List<Long> depOns = new ArrayList<>();
        List<String> tagNames = new ArrayList<>();
        List<Long> tagTasks = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            NewTask t = rows.get(i).task();
            for (long d : t.dependencies()) {
                depTasks.add(ids[i]);
                depOns.add(d);
            }
            for (String tag : new java.util.LinkedHashSet<>(t.tags())) {
                tagNames.add(tag);
                tagTasks.add(ids[i]);
            }
        }
        if (!depTasks.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO task_deps (task_id, depends_on) VALUES (?, ?)")) {
                for (int i = 0; i < depTasks.size(); i++) {
                    ps.setLong(1, depTasks.get(i));
                    ps.setLong(2, depOns.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!tagNames.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO task_tags (tag, task_id) VALUES (?, ?)")) {
                for (int i = 0; i < tagNames.size(); i++) {
                    ps.setString(1, tagNames.get(i));
                    ps.setLong(2, tagTasks.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return ids;
    }

    /** Binds one task's values of {@link #INSERT_VALUES} from parameter {@code p}; returns the next parameter. */
    private int bind(PreparedStatement ps, int p, NewRow r, Instant now) throws SQLException {
        NewTask t = r.task();
        ps.setString(p++, t.type());
        ps.setString(p++, t.name());
        ps.setString(p++, t.description());
        ps.setString(p++, Json.write(env.seal(t.payload())));
        ps.setString(p++, r.status().wire());
        ps.setInt(p++, t.priority());
        ps.setLong(p++, r.runAt().toEpochMilli());
        Sql.setMillis(ps, p++, t.scheduledAt());
        ps.setLong(p++, now.toEpochMilli());
        ps.setLong(p++, now.toEpochMilli());
        ps.setInt(p++, t.maxRetries());
        ps.setString(p++, t.backoff());
        ps.setInt(p++, t.timeoutSeconds());
        ps.setString(p++, Json.write(t.tags()));
        ps.setInt(p++, r.depsPending());
        ps.setBoolean(p++, t.checkpointEnabled());
        ps.setString(p++, t.originKind());
        ps.setString(p++, t.originId());
        Sql.setMillis(ps, p++, r.slotAt());
        // A task whose payload names requirements is left to the workers that meet them (see
        // routedCandidates); one that names a device waits in that device's queue (deviceHeads).
        JsonNode req = t.payload() == null ? null : t.payload().get("requirements");
        String device = t.device();
        Integer routed = device != null ? Integer.valueOf(ROUTED_DEVICE) : req != null && !req.isNull() ? Integer.valueOf(ROUTED) : null;
        Sql.setInt(ps, p++, routed);
        ps.setString(p++, device);
        ps.setString(p++, t.owner());
        Sql.setInt(ps, p++, t.ownerLimit());
        ps.setString(p++, r.status().wire()); // created_status
        return p;
    }

    void insertDeps(Connection c, long id, Collection<Long> deps) throws SQLException {
        if (deps.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO task_deps (task_id, depends_on) VALUES (?, ?)")) {
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
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO task_tags (tag, task_id) VALUES (?, ?)")) {
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
        // What the rollups counted the task as, read (and locked) before the change.
        TaskRollups.Counted before = TaskRollups.counts(sets.keySet()) ? rollups.lockCounted(tx, id) : null;
        boolean applied = exec(tx.connection(), sql, args.toArray()) > 0;
        if (applied && before != null) rollups.changed(tx, before, before.after(sets));
        return applied;
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
        return claimAll(tx, workerId, types, limit, now, leaseUntil, null).tasks();
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
     * What a claim took: the tasks, in claim order, and those whose start it derived instead of
     * storing (see {@link Lifecycle#STARTED}); only the others need start records written.
     */
    public record Claimed(List<Task> tasks, java.util.Set<Long> derivedStarts) {
    }

    /**
     * Claims up to {@code limit} queued tasks of these types for the worker; with {@code start}
     * (only when {@link #writesStartRecords}) also writes, in the same statement, the start records
     * of the tasks whose start it does not derive.
     */
    public Claimed claimAll(Tx tx, String workerId, Collection<String> types, int limit, Instant now, Instant leaseUntil,
                            StartRecords start) throws SQLException {
        List<Task> out = new ArrayList<>(limit);
        java.util.Set<Long> derived = new java.util.HashSet<>();
        dialect.beforeClaim(tx.connection());
        String claim = dialect.claimSql(types.size(), COLUMNS + ", lifecycle");
        String sql = start == null ? claim : dialect.claimWithStart(claim);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, workerId);
            ps.setLong(i++, now.toEpochMilli());
            ps.setLong(i++, now.toEpochMilli());
            ps.setLong(i++, leaseUntil.toEpochMilli());
            ps.setLong(i++, now.toEpochMilli()); // first_started_at, when the start is derived
            ps.setString(i++, workerId); // first_worker, likewise
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
                while (rs.next()) {
                    Task t = map(rs);
                    out.add(t);
                    if (Lifecycle.startDerived(rs.getInt(C_LIFECYCLE), t.attempt())) derived.add(t.id());
                }
            }
        }
        rollups.claimed(tx, out);
        dialect.afterClaim(tx.connection());
        // RETURNING gives no order guarantee; hand them out in queue order.
        out.sort((a, b) -> a.priority() != b.priority() ? Integer.compare(b.priority(), a.priority()) : Long.compare(a.id(), b.id()));
        return new Claimed(out, derived);
    }

    /**
     * The worker is compared through {@code coalesce} (a running task always has one, so it changes
     * nothing) because a plain {@code worker_id = ?} let PostgreSQL's cached generic plan pick the
     * {@code (worker_id, status)} index over the primary key and walk every running row of the
     * worker, dead versions included, for each completion (seen: backlog drain down from ~4,700 to
     * ~450 tasks/s). V6 does the same for {@code status} by dropping its statistics.
     */
    static final String COMPLETE = "UPDATE tasks SET status = 'completed', completed_at = ?, updated_at = ?,"
            + " lease_until = NULL, result = ?, exit_code = ?, error = NULL, error_code = NULL, log_count = log_count + 1,"
            + " lifecycle = lifecycle | " + Lifecycle.COMPLETED + ", run_ms = ?"
            + " WHERE id = ? AND status = 'running' AND attempt = ? AND coalesce(worker_id, '') = ?";

    /**
     * Marks successful attempts completed, each guarded by "still running this attempt on the
     * reporting worker", and counts the completion's lifecycle log line, which (with its event)
     * the row then stands for ({@link Lifecycle#COMPLETED}).
     *
     * @return for each completion, whether it applied
     */
    public boolean[] completeAll(Tx tx, List<dev.coxswain.core.exec.Completion> done) throws SQLException {
        boolean[] applied = new boolean[done.size()];
        if (done.isEmpty()) return applied;
        String batched = dialect.completeAllSql();
        if (batched != null && done.size() > 1) {
            applied = completeInOne(tx, done, batched);
            rollups.completed(tx, done, applied);
            return applied;
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(COMPLETE)) {
            for (var c : done) {
                ps.setLong(1, c.finishedAt().toEpochMilli());
                ps.setLong(2, c.finishedAt().toEpochMilli());
                ps.setString(3, c.result().result());
                Sql.setInt(ps, 4, c.result().exitCode());
                if (c.startedAt() == null) ps.setNull(5, java.sql.Types.BIGINT);
                else ps.setLong(5, java.time.Duration.between(c.startedAt(), c.finishedAt()).toMillis());
                ps.setLong(6, c.taskId());
                ps.setInt(7, c.attempt());
                ps.setString(8, c.workerId());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < counts.length; i++) applied[i] = counts[i] > 0 || counts[i] == Statement.SUCCESS_NO_INFO;
        }
        rollups.completed(tx, done, applied);
        return applied;
    }

    /**
     * {@link #completeAll} as one statement over arrays ({@link SqlDialect#completeAllSql}). An
     * attempt listed twice is applied once, as by the statement-per-completion form, where the
     * second found the task no longer running.
     */
    private boolean[] completeInOne(Tx tx, List<dev.coxswain.core.exec.Completion> done, String sql) throws SQLException {
        boolean[] applied = new boolean[done.size()];
        Map<String, Integer> first = new HashMap<>();
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            if (first.putIfAbsent(done.get(i).taskId() + "/" + done.get(i).attempt(), i) == null) sent.add(i);
        }
        int n = sent.size();
        Object[] ids = new Object[n], attempts = new Object[n], workers = new Object[n], at = new Object[n],
                results = new Object[n], exits = new Object[n], runs = new Object[n];
        for (int k = 0; k < n; k++) {
            var c = done.get(sent.get(k));
            ids[k] = c.taskId();
            attempts[k] = c.attempt();
            workers[k] = c.workerId() == null ? "" : c.workerId();
            at[k] = c.finishedAt().toEpochMilli();
            results[k] = c.result().result();
            exits[k] = c.result().exitCode();
            runs[k] = c.startedAt() == null ? null : java.time.Duration.between(c.startedAt(), c.finishedAt()).toMillis();
        }
        Connection conn = tx.connection();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setArray(1, conn.createArrayOf("bigint", ids));
            ps.setArray(2, conn.createArrayOf("integer", attempts));
            ps.setArray(3, conn.createArrayOf("text", workers));
            ps.setArray(4, conn.createArrayOf("bigint", at));
            ps.setArray(5, conn.createArrayOf("text", results));
            ps.setArray(6, conn.createArrayOf("integer", exits));
            ps.setArray(7, conn.createArrayOf("bigint", runs));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer i = first.get(rs.getLong(1) + "/" + rs.getInt(2));
                    if (i != null) applied[i] = true;
                }
            }
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
                Task t = rs.next() ? map(rs) : null;
                if (t != null) rollups.claimed(tx, List.of(t));
                return t;
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
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE tasks SET status = 'queued', updated_at = ?"
                + " WHERE status = 'pending' AND deps_pending = 0 AND run_at <= ? RETURNING priority, origin_kind")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            return rollups.moved(tx, ps, TaskStatus.PENDING, TaskStatus.QUEUED);
        }
    }

    /** One dependency of each of these tasks completed; those left with none and due become queued. */
    public void dependencyCompleted(Tx tx, long depId, Instant now) throws SQLException {
        Connection c = tx.connection();
        exec(c, "UPDATE tasks SET deps_pending = deps_pending - 1, updated_at = ?"
                + " WHERE status = 'pending' AND id IN (SELECT task_id FROM task_deps WHERE depends_on = ?)",
                now.toEpochMilli(), depId);
        // run_at becomes now: the task is due from the moment its last dependency completed (the
        // WHERE guarantees run_at <= now, so this never delays it; claims order by priority and id).
        try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET status = 'queued', run_at = ?, updated_at = ?"
                + " WHERE status = 'pending' AND deps_pending = 0 AND run_at <= ?"
                + " AND id IN (SELECT task_id FROM task_deps WHERE depends_on = ?) RETURNING priority, origin_kind")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, now.toEpochMilli());
            ps.setLong(4, depId);
            rollups.moved(tx, ps, TaskStatus.PENDING, TaskStatus.QUEUED);
        }
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
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM tasks WHERE id = ? RETURNING " + TaskRollups.COUNTED_COLUMNS)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) rollups.changed(tx, TaskRollups.read(rs, 1), null);
            }
        }
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

    /**
     * How many rows of the sort index a walk may read per row of the tag it saves reading: a
     * walked row (index entry and tag probe) costs about a third of a tag row read and sorted
     * (table row by id, then the sort), measured at a million tasks on SQLite.
     */
    static final long TAG_WALK_RATIO = 2;

    public Page<Task> list(Connection c, TaskQuery q) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!q.statuses().isEmpty()) {
            where.append(" AND status IN (").append(Sql.placeholders(q.statuses().size())).append(')');
            for (TaskStatus s : q.statuses()) args.add(s.wire());
        }
        // Counting a million rows is itself the cost of a page: without a tag or worker filter the
        // total comes from the rollups (the same number, kept exact in every transaction); a tag
        // alone is counted on its own rows of task_tags' primary key (tags are written and
        // deleted with their task, so each row there has its task) without a lookup per task.
        boolean tagAlone = q.tag() != null && q.statuses().isEmpty() && q.workerId() == null;
        long total = -1;
        if (q.tag() == null && q.workerId() == null) {
            total = rollups.count(c, q.statuses());
        } else if (tagAlone) {
            total = Sql.count(c, "SELECT COUNT(*) FROM task_tags WHERE tag = ?", q.tag());
        }
        if (q.tag() != null) {
            // A common tag's page is found sooner by walking the sort order's index and checking
            // the tag on each row (a tag on one task in ten: 200 rows for a first page) than by
            // reading every task of the tag and sorting them (100,000 on a million tasks, 190 ms
            // on SQLite); a rare tag's the other way round (one task in a thousand: a walk of
            // 20,000 rows, 25 ms, against 1,000 rows read and sorted, 5 ms). The walk is expected
            // to read (offset + limit) × tasks / tagged rows; it is taken when that is at most
            // TAG_WALK_RATIO times the tagged rows.
            boolean walk = dialect.choosesTagPlans() || tagAlone && total > 0 && indexed(q.sort())
                    && (q.offset() + (long) q.limit()) * rollups.count(c, Set.of()) <= TAG_WALK_RATIO * total * total;
            where.append(walk ? " AND EXISTS (SELECT 1 FROM task_tags x WHERE x.tag = ? AND x.task_id = tasks.id)"
                    : " AND id IN (SELECT task_id FROM task_tags WHERE tag = ?)");
            args.add(q.tag());
        }
        if (q.workerId() != null) {
            where.append(" AND worker_id = ?");
            args.add(q.workerId());
        }
        if (total < 0) total = Sql.count(c, "SELECT COUNT(*) FROM tasks" + where, args.toArray());
        String dir = q.ascending() ? " ASC" : " DESC";
        // NULLs sort as "not yet" on both databases, and id breaks ties so pages never overlap.
        String order = " ORDER BY " + (nullable(q.sort().column()) ? "(" + q.sort().column() + " IS NULL)"
                + (q.ascending() ? " DESC" : " ASC") + ", " : "") + q.sort().column() + dir + ", id" + dir;
        List<Task> items = new ArrayList<>();
        // The page's bounds are written as literals (ints: nothing to inject) so that PostgreSQL
        // plans for them: a generic plan for an unknown LIMIT may sort every row instead of
        // walking the sort column's index.
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks" + where + order
                + " LIMIT " + q.limit() + " OFFSET " + q.offset())) {
            int i = 1;
            for (Object a : args) ps.setObject(i++, a);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) items.add(map(rs));
            }
        }
        Map<Long, List<Long>> deps = dependencies(c, items.stream().map(Task::id).toList());
        items.replaceAll(t -> t.withDependencies(deps.getOrDefault(t.id(), List.of())));
        return new Page<>(items, total);
    }

    /** Whether an index gives the tasks in this sort's order (id breaking ties): created_at, priority, id. */
    private static boolean indexed(dev.coxswain.core.domain.TaskSort sort) {
        return switch (sort) {
            case CREATED_AT, PRIORITY, ID -> true;
            default -> false;
        };
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

    /** Tasks by status (statuses with none are absent), from the rollups. */
    public Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        return rollups.countByStatus(c);
    }

    /** Tasks that reached {@code status} (completed, failed or cancelled) with completed_at in [from, to), from the rollups. */
    public long countFinished(Connection c, TaskStatus status, Instant from, Instant to) throws SQLException {
        return rollups.finished(c, new long[]{from.toEpochMilli(), to.toEpochMilli()}).get(0)
                .getOrDefault(status, TaskRollups.Finished.NONE).count();
    }

    /** Finished-task aggregates for one time bucket: [completed, failed, avg run millis of finished]. */
    public double[] bucketStats(Connection c, Instant from, Instant to) throws SQLException {
        return bucketStats(c, new Instant[]{from, to}).get(0);
    }

    /**
     * {@link #bucketStats(Connection, Instant, Instant)} for each range {@code [bounds[i], bounds[i+1])},
     * in one read of the rollups. The mean is that of the tasks that had started (as AVG over
     * {@code completed_at - started_at} skips the others), 0 when none had.
     */
    public List<double[]> bucketStats(Connection c, Instant[] bounds) throws SQLException {
        long[] b = new long[bounds.length];
        for (int i = 0; i < b.length; i++) b[i] = bounds[i].toEpochMilli();
        List<double[]> out = new ArrayList<>(b.length - 1);
        StringBuilder means = new StringBuilder();
        for (Map<TaskStatus, TaskRollups.Finished> f : rollups.finished(c, b)) {
            TaskRollups.Finished done = f.getOrDefault(TaskStatus.COMPLETED, TaskRollups.Finished.NONE);
            TaskRollups.Finished failed = f.getOrDefault(TaskStatus.FAILED, TaskRollups.Finished.NONE);
            long timed = done.timed() + failed.timed();
            means.append(means.isEmpty() ? "SELECT " : ", ")
                    .append(timed == 0 ? "0" : dialect.mean(done.runMillis() + failed.runMillis(), timed));
            out.add(new double[]{done.count(), failed.count(), 0});
        }
        // The database divides, as its AVG did: PostgreSQL's numeric quotient can differ from
        // Java's double division in the last bit.
        try (PreparedStatement ps = c.prepareStatement(means.toString()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            for (int i = 0; i < out.size(); i++) out.get(i)[2] = rs.getDouble(i + 1);
        }
        return out;
    }

    /** Queued tasks per priority band: [high (10), normal (5–9), low (1–4)], from the rollups. */
    public long[] queueDepths(Connection c) throws SQLException {
        return rollups.queueDepths(c);
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
    /** {@code lifecycle}, which a claim returns after {@link #COLUMNS}. */
    private static final int C_LIFECYCLE = COLUMNS.split(",").length + 1;

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
