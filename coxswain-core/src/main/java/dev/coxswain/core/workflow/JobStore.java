package dev.coxswain.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.store.SqlDialect;
import dev.coxswain.core.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code jobs} table, and the few task columns a job's step reads. SQL shared by both stores. */
final class JobStore {
    private static final String COLUMNS = "id, blueprint_name, blueprint_version, owner, status, current_state, data,"
            + " result, error_message, webhook_url, dispatch_timeout, result_timeout, parent_job_id, child_job_id,"
            + " task_ids, transition_count, retry_count, step_due, dispatch_deadline, result_deadline, metadata,"
            + " created_at, updated_at, finished_at";
    private final SqlDialect dialect;

    JobStore(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /** What a job's step needs to know of one of its tasks. */
    record TaskOutcome(long id, TaskStatus status, String result, String error, String errorCode, String resultStatus,
                       String workerId, int attempt, Instant startedAt, Instant completedAt) {
    }

    void insert(Tx tx, JobRow j) throws SQLException {
        // The mutable columns in bindMutable's order, then created_at.
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO jobs (id, blueprint_name,"
                + " blueprint_version, owner, status, current_state, data, result, error_message, webhook_url,"
                + " dispatch_timeout, result_timeout, parent_job_id, child_job_id, task_ids, transition_count, retry_count,"
                + " step_due, dispatch_deadline, result_deadline, metadata, updated_at, finished_at, created_at) VALUES ("
                + Sql.placeholders(24) + ")")) {
            ps.setString(1, j.id);
            ps.setString(2, j.blueprintName);
            ps.setInt(3, j.blueprintVersion);
            ps.setString(4, j.owner);
            int i = bindMutable(ps, 5, j);
            Sql.setMillis(ps, i, j.createdAt);
            ps.executeUpdate();
        }
    }

    /** Writes every field a step may change. */
    void update(Tx tx, JobRow j) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE jobs SET status = ?, current_state = ?,"
                + " data = ?, result = ?, error_message = ?, webhook_url = ?, dispatch_timeout = ?, result_timeout = ?,"
                + " parent_job_id = ?, child_job_id = ?, task_ids = ?, transition_count = ?, retry_count = ?, step_due = ?,"
                + " dispatch_deadline = ?, result_deadline = ?, metadata = ?, updated_at = ?, finished_at = ? WHERE id = ?")) {
            int i = bindMutable(ps, 1, j);
            ps.setString(i, j.id);
            ps.executeUpdate();
        }
    }

    /** Binds status … finished_at (19 columns, in COLUMNS order); @return the next index */
    private static int bindMutable(PreparedStatement ps, int i, JobRow j) throws SQLException {
        ps.setString(i++, j.status.wire());
        ps.setString(i++, j.currentState);
        ps.setString(i++, Json.write(j.data));
        ps.setString(i++, j.result == null ? null : Json.write(j.result));
        ps.setString(i++, j.errorMessage);
        ps.setString(i++, j.webhookUrl);
        Sql.setInt(ps, i++, j.dispatchTimeout);
        Sql.setInt(ps, i++, j.resultTimeout);
        ps.setString(i++, j.parentJobId);
        ps.setString(i++, j.childJobId);
        ps.setString(i++, Json.write(j.taskIds));
        ps.setInt(i++, j.transitionCount);
        ps.setInt(i++, j.retryCount);
        ps.setInt(i++, j.stepDue ? 1 : 0);
        Sql.setMillis(ps, i++, j.dispatchDeadline);
        Sql.setMillis(ps, i++, j.resultDeadline);
        ps.setString(i++, j.metadata == null ? null : Json.write(j.metadata));
        Sql.setMillis(ps, i++, j.updatedAt);
        Sql.setMillis(ps, i++, j.finishedAt);
        return i;
    }

    JobRow find(Connection c, String id) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM jobs WHERE id = ?", id);
    }

    /** The job, locked until the transaction ends (so two nodes never step it at once). */
    JobRow findForUpdate(Tx tx, String id) throws SQLException {
        return one(tx.connection(), "SELECT " + COLUMNS + " FROM jobs WHERE id = ?" + dialect.forUpdate(), id);
    }

    /** Jobs whose step is due (one of their tasks ended, or a child job did), oldest first. */
    List<String> due(Connection c, int limit) throws SQLException {
        return ids(c, "SELECT id FROM jobs WHERE step_due = 1 ORDER BY updated_at LIMIT ?", limit);
    }

    /**
     * Marks due every job that one of these tasks is a step of. @return how many
     *
     * <p>Unconditional on purpose: a job already marked is written again, which takes its row
     * lock. With {@code WHERE step_due = 0}, a stepper holding the lock and reading the step's
     * tasks before this transaction commits would clear the old mark while this one matched no
     * row, and the job would wait forever for a step that already ended.
     */
    int markDueByTasks(Tx tx, Collection<Long> taskIds) throws SQLException {
        if (taskIds.isEmpty()) return 0;
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE jobs SET step_due = 1"
                + " WHERE id IN (SELECT origin_id FROM tasks WHERE origin_kind = 'job' AND id IN ("
                + Sql.placeholders(taskIds.size()) + "))")) {
            int i = 1;
            for (long id : taskIds) ps.setLong(i++, id);
            return ps.executeUpdate();
        }
    }

    void markDue(Tx tx, String jobId) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE jobs SET step_due = 1 WHERE id = ?")) {
            ps.setString(1, jobId);
            ps.executeUpdate();
        }
    }

    List<String> dispatchExpired(Connection c, Instant now, int limit) throws SQLException {
        return ids(c, "SELECT id FROM jobs WHERE dispatch_deadline <= ? ORDER BY dispatch_deadline LIMIT ?",
                now.toEpochMilli(), limit);
    }

    List<String> resultExpired(Connection c, Instant now, int limit) throws SQLException {
        return ids(c, "SELECT id FROM jobs WHERE result_deadline <= ? ORDER BY result_deadline LIMIT ?",
                now.toEpochMilli(), limit);
    }

    /** The earliest deadline any job has, or null. */
    Instant nextDeadline(Connection c) throws SQLException {
        Instant a = min(c, "SELECT MIN(dispatch_deadline) FROM jobs WHERE dispatch_deadline IS NOT NULL");
        Instant b = min(c, "SELECT MIN(result_deadline) FROM jobs WHERE result_deadline IS NOT NULL");
        if (a == null) return b;
        if (b == null) return a;
        return a.isBefore(b) ? a : b;
    }

    Page<Job> list(Connection c, String owner, JobStatus status, int offset, int limit) throws SQLException {
        return list(c, owner, null, status, offset, limit);
    }

    /** Jobs, newest first; each filter null for "any". */
    Page<Job> list(Connection c, String owner, String blueprint, JobStatus status, int offset, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (owner != null) {
            where.append(" AND owner = ?");
            args.add(owner);
        }
        if (blueprint != null) {
            where.append(" AND blueprint_name = ?");
            args.add(blueprint);
        }
        if (status != null) {
            where.append(" AND status = ?");
            args.add(status.wire());
        }
        long total = Sql.count(c, "SELECT COUNT(*) FROM jobs" + where, args.toArray());
        args.add(limit);
        args.add(offset);
        List<Job> items = new ArrayList<>();
        for (JobRow r : many(c, "SELECT " + COLUMNS + " FROM jobs" + where + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                args.toArray())) {
            items.add(r.snapshot());
        }
        return new Page<>(items, total);
    }

    /**
     * The newest jobs, without a count. Each filter null for "any". One filter walks its own index
     * ((owner | blueprint_name | status), created_at) newest first; a second or third filter is
     * applied within the newest {@code window} rows of the first, so no read is unbounded. Without
     * a filter, the newest of each status are merged: no index serves created_at alone.
     */
    Recent recent(Connection c, String owner, String blueprint, JobStatus status, int limit, int window) throws SQLException {
        if (owner == null && blueprint == null && status == null) {
            List<Job> all = new ArrayList<>();
            for (JobStatus s : JobStatus.values()) {
                for (JobRow r : many(c, "SELECT " + COLUMNS + " FROM jobs WHERE status = ? ORDER BY created_at DESC LIMIT ?",
                        s.wire(), limit)) {
                    all.add(r.snapshot());
                }
            }
            all.sort(java.util.Comparator.comparing(Job::createdAt).thenComparing(Job::id).reversed());
            return new Recent(all.size() > limit ? List.copyOf(all.subList(0, limit)) : all, false);
        }
        String lead = owner != null ? "owner" : blueprint != null ? "blueprint_name" : "status";
        Object leadValue = owner != null ? owner : blueprint != null ? blueprint : status.wire();
        List<Object> args = new ArrayList<>(List.of(leadValue));
        StringBuilder rest = new StringBuilder();
        if (owner != null && blueprint != null) {
            rest.append(" AND blueprint_name = ?");
            args.add(blueprint);
        }
        if (status != null && !lead.equals("status")) {
            rest.append(" AND status = ?");
            args.add(status.wire());
        }
        if (rest.isEmpty()) {
            args.add(limit);
            List<Job> out = new ArrayList<>();
            for (JobRow r : many(c, "SELECT " + COLUMNS + " FROM jobs WHERE " + lead + " = ? ORDER BY created_at DESC LIMIT ?",
                    args.toArray())) {
                out.add(r.snapshot());
            }
            return new Recent(out, false);
        }
        List<Object> windowed = new ArrayList<>();
        windowed.add(leadValue);
        windowed.add(window);
        windowed.addAll(args.subList(1, args.size()));
        windowed.add(limit);
        List<Job> out = new ArrayList<>();
        for (JobRow r : many(c, "SELECT " + COLUMNS + " FROM (SELECT " + COLUMNS + " FROM jobs WHERE " + lead
                + " = ? ORDER BY created_at DESC LIMIT ?) w WHERE 1 = 1" + rest + " ORDER BY created_at DESC LIMIT ?",
                windowed.toArray())) {
            out.add(r.snapshot());
        }
        // The window may have hidden matches only if it was full; one more short read says whether.
        boolean full = out.size() < limit && !ids(c, "SELECT id FROM jobs WHERE " + lead
                + " = ? ORDER BY created_at DESC LIMIT 1 OFFSET ?", leadValue, window).isEmpty();
        return new Recent(out, full);
    }

    /** @param windowed more matches may exist beyond the window the second filter looked in */
    record Recent(List<Job> jobs, boolean windowed) {
    }

    Map<String, Long> countsByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    List<TaskOutcome> outcomes(Connection c, List<Long> taskIds) throws SQLException {
        List<TaskOutcome> out = new ArrayList<>();
        if (taskIds.isEmpty()) return out;
        Map<Long, TaskOutcome> byId = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status, result, error, error_code, result_status,"
                + " worker_id, attempt, started_at, completed_at FROM tasks WHERE id IN ("
                + Sql.placeholders(taskIds.size()) + ")")) {
            int i = 1;
            for (long id : taskIds) ps.setLong(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byId.put(rs.getLong(1), new TaskOutcome(rs.getLong(1), TaskStatus.fromWire(rs.getString(2)),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getInt(8), Sql.instant(rs, 9), Sql.instant(rs, 10)));
                }
            }
        }
        for (long id : taskIds) {
            TaskOutcome o = byId.get(id);
            // A deleted task cannot finish: its step counts as failed.
            out.add(o != null ? o : new TaskOutcome(id, TaskStatus.FAILED, null, "task-" + id + " was deleted",
                    null, null, null, 0, null, null));
        }
        return out;
    }

    void deleteAll(Tx tx) throws SQLException {
        try (var s = tx.connection().createStatement()) {
            s.executeUpdate("DELETE FROM job_history");
            s.executeUpdate("DELETE FROM jobs");
        }
    }

    private JobRow one(Connection c, String sql, Object... args) throws SQLException {
        List<JobRow> rows = many(c, sql, args);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private List<JobRow> many(Connection c, String sql, Object... args) throws SQLException {
        List<JobRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
        }
        return out;
    }

    private static List<String> ids(Connection c, String sql, Object... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Instant min(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Sql.instant(rs, 1) : null;
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) ps.setNull(i + 1, Types.VARCHAR);
            else if (a instanceof Integer n) ps.setInt(i + 1, n);
            else if (a instanceof Long n) ps.setLong(i + 1, n);
            else ps.setString(i + 1, a.toString());
        }
    }

    private static JobRow row(ResultSet rs) throws SQLException {
        JobRow j = new JobRow();
        j.id = rs.getString("id");
        j.blueprintName = rs.getString("blueprint_name");
        j.blueprintVersion = rs.getInt("blueprint_version");
        j.owner = rs.getString("owner");
        j.status = JobStatus.fromWire(rs.getString("status"));
        j.currentState = rs.getString("current_state");
        JsonNode data = Json.read(rs.getString("data"));
        j.data = data instanceof ObjectNode o ? o : Json.object();
        String result = rs.getString("result");
        j.result = result == null ? null : Json.read(result);
        j.errorMessage = rs.getString("error_message");
        j.webhookUrl = rs.getString("webhook_url");
        j.dispatchTimeout = Sql.integer(rs, "dispatch_timeout");
        j.resultTimeout = Sql.integer(rs, "result_timeout");
        j.parentJobId = rs.getString("parent_job_id");
        j.childJobId = rs.getString("child_job_id");
        String ids = rs.getString("task_ids");
        if (ids != null && Json.read(ids) instanceof ArrayNode a) for (JsonNode n : a) j.taskIds.add(n.asLong());
        j.transitionCount = rs.getInt("transition_count");
        j.retryCount = rs.getInt("retry_count");
        j.stepDue = rs.getInt("step_due") == 1;
        j.dispatchDeadline = Sql.instant(rs, "dispatch_deadline");
        j.resultDeadline = Sql.instant(rs, "result_deadline");
        String meta = rs.getString("metadata");
        j.metadata = meta == null ? null : Json.read(meta);
        j.createdAt = Sql.instant(rs, "created_at");
        j.updatedAt = Sql.instant(rs, "updated_at");
        j.finishedAt = Sql.instant(rs, "finished_at");
        return j;
    }
}
