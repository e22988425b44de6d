package dev.coxswain.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.MisfirePolicy;
import dev.coxswain.core.domain.NewSchedule;
import dev.coxswain.core.domain.OverlapPolicy;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Schedule;
import dev.coxswain.core.domain.ScheduleRun;
import dev.coxswain.core.domain.ScheduleStatus;
import dev.coxswain.core.domain.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedules, and the runs (tasks) they created. A payload's {@code env} is stored sealed
 * ({@link SealedEnv}) and read back in clear.
 */
public final class ScheduleStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    /** The origin_kind of a task a schedule created. */
    public static final String ORIGIN = "schedule";

    /** Rows per statement of a firing pass at most (see {@link Sql#parts}). */
    static final int MAX_ROWS_PER_STATEMENT = 512;

    private final SqlDialect dialect;
    private final SealedEnv env;

    public ScheduleStore(SqlDialect dialect) {
        this(dialect, Sealer.NONE);
    }

    public ScheduleStore(SqlDialect dialect, Sealer sealer) {
        this.dialect = dialect;
        this.env = new SealedEnv(sealer);
    }

    /** A schedule id with its next slot, for the firer's timer. */
    public record Due(long id, Instant nextRunAt) {
    }

    public long insert(Tx tx, NewSchedule s, ScheduleStatus status, Instant nextRunAt, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO schedules (face, name, description,"
                + " expression, timezone, task_type, payload, priority, tags, max_retries, backoff, timeout_seconds, misfire,"
                + " overlap, status, next_run_at, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, s.face());
            ps.setString(2, s.name());
            ps.setString(3, s.description());
            ps.setString(4, s.expression());
            ps.setString(5, s.timezone());
            ps.setString(6, s.taskType());
            ps.setString(7, Json.write(env.seal(s.payload())));
            ps.setInt(8, s.priority());
            ps.setString(9, Json.write(s.tags()));
            ps.setInt(10, s.maxRetries());
            ps.setString(11, s.backoff());
            ps.setInt(12, s.timeoutSeconds());
            ps.setString(13, s.misfire().wire());
            ps.setString(14, s.overlap().wire());
            ps.setString(15, status.wire());
            Sql.setMillis(ps, 16, nextRunAt);
            ps.setLong(17, now.toEpochMilli());
            ps.setLong(18, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public Schedule find(Connection c, long id) throws SQLException {
        List<Schedule> l = query(c, "SELECT * FROM schedules WHERE id = ?", id);
        return l.isEmpty() ? null : l.get(0);
    }

    /**
     * @param face   null: every face's schedules
     * @param status null: any
     * @param tag    null: any
     */
    public Page<Schedule> list(Connection c, String face, ScheduleStatus status, String tag, int offset, int limit)
            throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (face != null) {
            where.append(" AND face = ?");
            args.add(face);
        }
        if (status != null) {
            where.append(" AND status = ?");
            args.add(status.wire());
        }
        if (tag != null) {
            // Tags are a JSON array of strings: the tag's own JSON text is an exact substring.
            where.append(" AND tags LIKE ? ESCAPE '\\'");
            args.add("%" + Json.write(tag).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        long total = Sql.count(c, "SELECT COUNT(*) FROM schedules" + where, args.toArray());
        args.add(limit);
        args.add(offset);
        return new Page<>(query(c, "SELECT * FROM schedules" + where + " ORDER BY id LIMIT ? OFFSET ?", args.toArray()), total);
    }

    /** Sets the given columns (by name) of one schedule; false when it does not exist. */
    public boolean update(Tx tx, long id, Map<String, Object> sets, Instant now) throws SQLException {
        Map<String, Object> all = new LinkedHashMap<>(sets);
        all.computeIfPresent("payload", (k, v) -> Json.write(env.seal(Json.read((String) v))));
        all.put("updated_at", now.toEpochMilli());
        StringBuilder sql = new StringBuilder("UPDATE schedules SET ");
        List<Object> args = new ArrayList<>();
        for (var e : all.entrySet()) {
            if (!args.isEmpty()) sql.append(", ");
            sql.append(e.getKey()).append(" = ?");
            args.add(e.getValue());
        }
        sql.append(" WHERE id = ?");
        args.add(id);
        try (PreparedStatement ps = tx.connection().prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object v = args.get(i);
                if (v == null) ps.setNull(i + 1, java.sql.Types.NULL); // untyped: the column decides
                else ps.setObject(i + 1, v);
            }
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * These schedules as they are now, locked until the caller's transaction ends (PostgreSQL;
     * SQLite's one writer needs no lock), by id. Locked in id order, a few statements for the lot,
     * so two nodes firing the same slots never deadlock: the second waits for the first's commit
     * and then reads what it stored. Deleted ones are absent.
     */
    public Map<Long, Schedule> lockAll(Tx tx, Collection<Long> ids) throws SQLException {
        Connection c = tx.connection();
        Long[] sorted = ids.stream().distinct().sorted().toArray(Long[]::new);
        Map<Long, Schedule> out = new LinkedHashMap<>();
        if (dialect.arrayParameters()) {
            dialect.beforeJoinByKey(c);
            for (Schedule s : query(c, dialect.lockSchedulesSql(sorted.length), c.createArrayOf("bigint", sorted))) {
                out.put(s.id(), s);
            }
            dialect.afterJoinByKey(c);
            return out;
        }
        int from = 0;
        for (int part : Sql.parts(sorted.length, MAX_ROWS_PER_STATEMENT)) {
            for (Schedule s : query(c, dialect.lockSchedulesSql(part), (Object[]) java.util.Arrays.copyOfRange(sorted, from, from + part))) {
                out.put(s.id(), s);
            }
            from += part;
        }
        return out;
    }

    /**
     * How one firing moves a schedule on: from the slot it was waiting for ({@code expected}) to
     * {@code next} (null with status completed when it will never fire again).
     *
     * @param lastSlot   the newest slot that got a run, or null (last_slot_at stays)
     * @param lastTaskId the newest run, or null (last_task_id stays)
     */
    public record Advance(long id, Instant expected, Instant next, ScheduleStatus status, Instant lastSlot, Long lastTaskId) {
    }

    /**
     * Moves schedules on after a firing, a few statements for the lot. Each applies only while the
     * schedule still waits for the expected slot (only an active schedule waits for one: pausing
     * and completing clear {@code next_run_at}); the caller holds the rows ({@link #lockAll}), so
     * that always holds and the guard only keeps a slot from firing twice if it ever did not.
     *
     * @return how many schedules moved on
     */
    public int advanceAll(Tx tx, List<Advance> all, Instant now) throws SQLException {
        Connection c = tx.connection();
        int moved = 0;
        if (dialect.arrayParameters()) {
            int n = all.size();
            Long[] id = new Long[n], expected = new Long[n], next = new Long[n], lastSlot = new Long[n], lastTask = new Long[n];
            String[] status = new String[n];
            for (int i = 0; i < n; i++) {
                Advance a = all.get(i);
                id[i] = a.id();
                expected[i] = a.expected().toEpochMilli();
                next[i] = Sql.millis(a.next());
                status[i] = a.status().wire();
                lastSlot[i] = Sql.millis(a.lastSlot());
                lastTask[i] = a.lastTaskId();
            }
            dialect.beforeJoinByKey(c);
            try (PreparedStatement ps = c.prepareStatement(dialect.advanceSchedulesSql(n))) {
                ps.setLong(1, now.toEpochMilli());
                ps.setArray(2, c.createArrayOf("bigint", id));
                ps.setArray(3, c.createArrayOf("bigint", expected));
                ps.setArray(4, c.createArrayOf("bigint", next));
                ps.setArray(5, c.createArrayOf("text", status));
                ps.setArray(6, c.createArrayOf("bigint", lastSlot));
                ps.setArray(7, c.createArrayOf("bigint", lastTask));
                moved = ps.executeUpdate();
            }
            dialect.afterJoinByKey(c); // not after a failure: the rollback undoes the settings anyway
            return moved;
        }
        int from = 0;
        for (int part : Sql.parts(all.size(), MAX_ROWS_PER_STATEMENT)) {
            try (PreparedStatement ps = c.prepareStatement(dialect.advanceSchedulesSql(part))) {
                ps.setLong(1, now.toEpochMilli());
                int i = 2;
                for (Advance a : all.subList(from, from + part)) {
                    ps.setLong(i++, a.id());
                    ps.setLong(i++, a.expected().toEpochMilli());
                    Sql.setMillis(ps, i++, a.next());
                    ps.setString(i++, a.status().wire());
                    Sql.setMillis(ps, i++, a.lastSlot());
                    if (a.lastTaskId() == null) ps.setNull(i++, java.sql.Types.BIGINT);
                    else ps.setLong(i++, a.lastTaskId());
                }
                moved += ps.executeUpdate();
            }
            from += part;
        }
        return moved;
    }

    public void setLastTask(Tx tx, long id, long taskId) throws SQLException {
        TaskStore.exec(tx.connection(), "UPDATE schedules SET last_task_id = ? WHERE id = ?", taskId, id);
    }

    public boolean delete(Tx tx, long id) throws SQLException {
        return TaskStore.exec(tx.connection(), "DELETE FROM schedules WHERE id = ?", id) > 0;
    }

    /** Active schedules due up to {@code until}, soonest first. */
    public List<Due> due(Connection c, Instant until, int limit) throws SQLException {
        List<Due> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, next_run_at FROM schedules WHERE status = 'active'"
                + " AND next_run_at <= ? ORDER BY next_run_at LIMIT ?")) {
            ps.setLong(1, until.toEpochMilli());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Due(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2))));
            }
        }
        return out;
    }

    /** Records which slot a run was created for, and whether the slot was skipped. */
    public void markRun(Tx tx, long taskId, Instant slotAt, boolean skipped) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE tasks SET slot_at = ?, skipped = ? WHERE id = ?")) {
            Sql.setMillis(ps, 1, slotAt);
            ps.setInt(2, skipped ? 1 : 0);
            ps.setLong(3, taskId);
            ps.executeUpdate();
        }
    }

    /** A schedule's runs, newest first; {@code outcome} null for all. */
    public Page<ScheduleRun> runs(Connection c, long scheduleId, ScheduleRun.Outcome outcome, int offset, int limit)
            throws SQLException {
        String where = " WHERE origin_kind = '" + ORIGIN + "' AND origin_id = ?" + switch (outcome == null ? "" : outcome.name()) {
            case "SUCCESS" -> " AND status = 'completed'";
            case "FAILURE" -> " AND status IN ('failed', 'cancelled') AND skipped = 0";
            case "IN_PROGRESS" -> " AND status IN ('pending', 'queued', 'running')";
            case "SKIPPED" -> " AND skipped = 1";
            default -> "";
        };
        String origin = Long.toString(scheduleId);
        long total = Sql.count(c, "SELECT COUNT(*) FROM tasks" + where, origin);
        List<ScheduleRun> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TaskStore.COLUMNS + ", slot_at, skipped FROM tasks"
                + where + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
            ps.setString(1, origin);
            ps.setInt(2, limit);
            ps.setInt(3, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new ScheduleRun(TaskStore.map(rs), Sql.instant(rs, "slot_at"), rs.getInt("skipped") != 0));
            }
        }
        return new Page<>(out, total);
    }

    /**
     * {@code origin_id >= ? AND origin_id <= ?} (one value twice) and not {@code = ?}: with an
     * equality PostgreSQL reduces the order to {@code id DESC}, which the primary key gives too, and
     * for a schedule with many runs it walks the primary key backwards filtering on the origin; if
     * those runs are old that reads every newer task (145 ms on a million). With a range the order
     * {@code origin_id DESC, id DESC} is only {@code ix_tasks_origin}'s to give.
     */
    static String recentRunsSql(boolean before) {
        return "SELECT " + TaskStore.COLUMNS + ", slot_at, skipped FROM tasks WHERE origin_kind = '" + ORIGIN + "'"
                + " AND origin_id >= ? AND origin_id <= ?" + (before ? " AND id < ?" : "")
                + " ORDER BY origin_id DESC, id DESC LIMIT ?";
    }

    /**
     * A schedule's newest runs, newest first, older than {@code beforeId} when given: a keyset page
     * with no count, so {@code ix_tasks_origin (origin_kind, origin_id, id)} serves it in a few rows
     * however many runs a schedule has made (a once-a-minute job makes half a million a year).
     */
    public List<ScheduleRun> recentRuns(Connection c, long scheduleId, Long beforeId, int limit) throws SQLException {
        List<ScheduleRun> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(recentRunsSql(beforeId != null))) {
            int i = 1;
            ps.setString(i++, Long.toString(scheduleId));
            ps.setString(i++, Long.toString(scheduleId));
            if (beforeId != null) ps.setLong(i++, beforeId);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new ScheduleRun(TaskStore.map(rs), Sql.instant(rs, "slot_at"), rs.getInt("skipped") != 0));
            }
        }
        return out;
    }

    /**
     * The last run of each of these schedules that has one, by schedule id: one primary-key read
     * of their {@code last_task_id}s (a page of schedules shows how each last ran). A run deleted
     * since is absent.
     */
    public Map<Long, Task> lastRuns(Connection c, Collection<Schedule> schedules) throws SQLException {
        Map<Long, Long> scheduleOf = new LinkedHashMap<>();
        for (Schedule s : schedules) if (s.lastTaskId() != null) scheduleOf.put(s.lastTaskId(), s.id());
        Map<Long, Task> out = new LinkedHashMap<>();
        if (scheduleOf.isEmpty()) return out;
        List<Long> ids = List.copyOf(scheduleOf.keySet());
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TaskStore.COLUMNS + " FROM tasks WHERE id IN ("
                    + Sql.placeholders(part.size()) + ")")) {
                for (int i = 0; i < part.size(); i++) ps.setLong(i + 1, part.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Task t = TaskStore.map(rs);
                        out.put(scheduleOf.get(t.id()), t);
                    }
                }
            }
        }
        return out;
    }

    /** One run by task id, when that task belongs to this schedule. */
    public ScheduleRun run(Connection c, long scheduleId, long taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TaskStore.COLUMNS + ", slot_at, skipped FROM tasks"
                + " WHERE id = ? AND origin_kind = '" + ORIGIN + "' AND origin_id = ?")) {
            ps.setLong(1, taskId);
            ps.setString(2, Long.toString(scheduleId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ScheduleRun(TaskStore.map(rs), Sql.instant(rs, "slot_at"), rs.getInt("skipped") != 0) : null;
            }
        }
    }

    private List<Schedule> query(Connection c, String sql, Object... args) throws SQLException {
        List<Schedule> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        return out;
    }

    /** Seals the {@code env} of schedules stored in clear (rows from before sealing). @return how many */
    public int sealClearEnv(Tx tx) throws SQLException {
        return sealClearEnv(tx, env, "schedules");
    }

    /** Rewrites the payloads of {@code table} whose {@code env} is in clear. */
    static int sealClearEnv(Tx tx, SealedEnv env, String table) throws SQLException {
        Map<Long, JsonNode> clear = new LinkedHashMap<>();
        // A cheap filter first: every payload with an env object has the key in its JSON text.
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT id, payload FROM " + table
                + " WHERE payload LIKE '%\"env\"%'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                JsonNode p = Json.read(rs.getString(2));
                if (env.needsSealing(p)) clear.put(rs.getLong(1), p);
            }
        }
        for (var e : clear.entrySet()) {
            TaskStore.exec(tx.connection(), "UPDATE " + table + " SET payload = ? WHERE id = ?",
                    Json.write(env.seal(e.getValue())), e.getKey());
        }
        return clear.size();
    }

    private Schedule map(ResultSet rs) throws SQLException {
        List<String> tags;
        try {
            tags = Json.MAPPER.readValue(rs.getString("tags"), STRINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long last = rs.getLong("last_task_id");
        Long lastTask = rs.wasNull() ? null : last;
        return new Schedule(rs.getLong("id"), rs.getString("face"), rs.getString("name"), rs.getString("description"),
                rs.getString("expression"), rs.getString("timezone"), rs.getString("task_type"),
                env.openIfPossible(Json.read(rs.getString("payload"))), rs.getInt("priority"), List.copyOf(tags), rs.getInt("max_retries"),
                rs.getString("backoff"), rs.getInt("timeout_seconds"), MisfirePolicy.fromWire(rs.getString("misfire")),
                OverlapPolicy.fromWire(rs.getString("overlap")), ScheduleStatus.fromWire(rs.getString("status")),
                Sql.instant(rs, "next_run_at"), Sql.instant(rs, "last_slot_at"), lastTask,
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
