package dev.coxswain.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.Worker;
import dev.coxswain.core.domain.WorkerStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Worker rows. A worker's status is derived when read (see {@link Worker}), from its heartbeat age
 * and whether it holds running tasks, so it can never disagree with the tasks table.
 */
public final class WorkerStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final String STATUS_EXPR = "CASE WHEN w.last_heartbeat < ? THEN 'offline'"
            + " WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.worker_id = w.id AND t.status = 'running') THEN 'active'"
            + " ELSE 'idle' END";

    /** What a worker reports about itself on each heartbeat. */
    public record Heartbeat(String id, String hostname, String kind, int capacity, String version,
                            List<String> tags, Worker.Resources resources) {
    }

    /**
     * Inserts or refreshes a worker row.
     *
     * @return true when the row is new or the worker was offline (a (re)registration)
     */
    public boolean heartbeat(Tx tx, Heartbeat hb, Instant now) throws SQLException {
        Connection c = tx.connection();
        String prev = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM workers WHERE id = ?")) {
            ps.setString(1, hb.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) prev = rs.getString(1);
            }
        }
        String resources = hb.resources() == null ? null : Json.write(Map.of(
                "cpu_usage", nz(hb.resources().cpuUsage()), "memory_usage", nz(hb.resources().memoryUsage()),
                "disk_usage", nz(hb.resources().diskUsage())));
        if (prev == null) {
            TaskStore.exec(c, "INSERT INTO workers (id, hostname, kind, status, capacity, version, tags, resources,"
                    + " registered_at, last_heartbeat) VALUES (?, ?, ?, 'online', ?, ?, ?, ?, ?, ?)",
                    hb.id(), hb.hostname(), hb.kind(), hb.capacity(), hb.version(), Json.write(hb.tags()),
                    resources, now.toEpochMilli(), now.toEpochMilli());
            return true;
        }
        TaskStore.exec(c, "UPDATE workers SET hostname = ?, kind = ?, status = 'online', capacity = ?, version = ?,"
                + " tags = ?, resources = ?, last_heartbeat = ? WHERE id = ?",
                hb.hostname(), hb.kind(), hb.capacity(), hb.version(), Json.write(hb.tags()), resources,
                now.toEpochMilli(), hb.id());
        return "offline".equals(prev);
    }

    private static double nz(Double d) {
        return d == null ? 0.0 : d;
    }

    public void addOutcomes(Tx tx, String workerId, int completed, int failed) throws SQLException {
        if (completed == 0 && failed == 0) return;
        TaskStore.exec(tx.connection(), "UPDATE workers SET tasks_completed = tasks_completed + ?,"
                + " tasks_failed = tasks_failed + ? WHERE id = ?", completed, failed, workerId);
    }

    /** Marks workers silent since {@code cutoff} as offline; returns the ids that just went offline. */
    public List<String> markOffline(Tx tx, Instant cutoff) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "SELECT id FROM workers WHERE status <> 'offline' AND last_heartbeat < ?")) {
            ps.setLong(1, cutoff.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        for (String id : ids) TaskStore.exec(tx.connection(), "UPDATE workers SET status = 'offline' WHERE id = ?", id);
        return ids;
    }

    public Worker find(Connection c, String id, Instant offlineBefore) throws SQLException {
        Page<Worker> p = query(c, " AND w.id = ?", new Object[]{id}, offlineBefore, 0, 1);
        return p.items().isEmpty() ? null : p.items().get(0);
    }

    public Page<Worker> list(Connection c, WorkerStatus status, Instant offlineBefore, int offset, int limit) throws SQLException {
        if (status == null) return query(c, "", new Object[0], offlineBefore, offset, limit);
        return query(c, " AND " + STATUS_EXPR + " = ?",
                new Object[]{offlineBefore.toEpochMilli(), status.wire()}, offlineBefore, offset, limit);
    }

    /** Worker counts by derived status. */
    public Map<WorkerStatus, Long> countByStatus(Connection c, Instant offlineBefore) throws SQLException {
        Map<WorkerStatus, Long> out = new HashMap<>();
        for (WorkerStatus s : WorkerStatus.values()) out.put(s, 0L);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + STATUS_EXPR + " AS st, COUNT(*) FROM workers w GROUP BY st")) {
            ps.setLong(1, offlineBefore.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(WorkerStatus.fromWire(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    public long countLive(Connection c, Instant offlineBefore, String kind) throws SQLException {
        return Sql.count(c, "SELECT COUNT(*) FROM workers WHERE kind = ? AND last_heartbeat >= ?", kind,
                offlineBefore.toEpochMilli());
    }

    private Page<Worker> query(Connection c, String filter, Object[] args, Instant offlineBefore, int offset, int limit)
            throws SQLException {
        long total = Sql.count(c, "SELECT COUNT(*) FROM workers w WHERE 1 = 1" + filter, args);
        List<Worker> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT w.*, " + STATUS_EXPR + " AS derived FROM workers w"
                + " WHERE 1 = 1" + filter + " ORDER BY w.registered_at, w.id LIMIT ? OFFSET ?")) {
            int i = 1;
            ps.setLong(i++, offlineBefore.toEpochMilli());
            for (Object a : args) ps.setObject(i++, a);
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(map(rs));
            }
        }
        List<Worker> withTasks = new ArrayList<>(out.size());
        for (Worker w : out) {
            List<Long> running = runningIds(c, w.id());
            withTasks.add(new Worker(w.id(), w.hostname(), w.kind(), w.status(), w.capacity(), w.tasksCompleted(),
                    w.tasksFailed(), running, w.lastHeartbeat(), w.registeredAt(), w.version(), w.tags(), w.resources()));
        }
        return new Page<>(withTasks, total);
    }

    private static List<Long> runningIds(Connection c, String workerId) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tasks WHERE worker_id = ? AND status = 'running' ORDER BY id")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static Worker map(ResultSet rs) throws SQLException {
        Worker.Resources res = null;
        String r = rs.getString("resources");
        if (r != null) {
            var n = Json.read(r);
            res = new Worker.Resources(n.path("cpu_usage").asDouble(), n.path("memory_usage").asDouble(),
                    n.path("disk_usage").asDouble());
        }
        List<String> tags;
        try {
            tags = Json.MAPPER.readValue(rs.getString("tags"), STRINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Worker(rs.getString("id"), rs.getString("hostname"), rs.getString("kind"),
                WorkerStatus.fromWire(rs.getString("derived")), rs.getInt("capacity"), rs.getLong("tasks_completed"),
                rs.getLong("tasks_failed"), List.of(), Sql.instant(rs, "last_heartbeat"),
                Sql.instant(rs, "registered_at"), rs.getString("version"), tags, res);
    }
}
