package dev.coxswain.core.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.Database;
import dev.coxswain.core.store.EventStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard's task page shows beyond the task row: its attempts, rebuilt from the event
 * history the engine writes in the same transaction as each state change ({@code task.started}
 * begins an attempt; {@code task.completed}, {@code task.retrying}, {@code task.failed} or
 * {@code task.cancelled} ends it), and its neighbours in the dependency graph. Every read is
 * bounded: a task's events and its dependents are capped.
 */
public final class TaskHistory {
    /** More attempts than any retry policy allows (max_retries is at most 100), with room for hand-backs. */
    static final int MAX_EVENTS = 1000;
    /** The events that open and close attempts. */
    private static final List<String> ATTEMPT_EVENTS = List.of("task.started", "task.completed", "task.retrying",
            "task.failed", "task.cancelled");
    /** Dependents shown; a fan-in of thousands would not be readable as a graph anyway. */
    public static final int MAX_NEIGHBOURS = 200;

    /**
     * One attempt: the claim by a worker and how it ended.
     *
     * @param outcome completed, failed, retrying (failed, another attempt follows), cancelled,
     *                interrupted (given back to the queue without an outcome: shutdown, lost poll),
     *                or running (not ended yet)
     * @param error   why it failed, or null
     */
    public record Attempt(int number, String workerId, Instant startedAt, Instant endedAt, String outcome, String error) {
    }

    /** A task next to this one in the dependency graph. */
    public record Neighbour(long id, String name, TaskStatus status) {
    }

    /** {@code task} depends on {@code dependsOn}. */
    public record Link(long task, long dependsOn) {
    }

    /**
     * @param dependsOn  what the task waits for
     * @param dependents what waits for the task (at most {@link #MAX_NEIGHBOURS})
     * @param more       whether there are more dependents than listed
     * @param among      the dependencies among the neighbours themselves (a dependent that also
     *                   waits for one of the task's own dependencies), so a drawing is complete
     */
    public record Neighbours(List<Neighbour> dependsOn, List<Neighbour> dependents, boolean more, List<Link> among) {
    }

    private final Database db;

    public TaskHistory(Database db) {
        this.db = db;
    }

    /**
     * The task's attempts, oldest first. The events are looked up by task id and bounded by the
     * task's creation time, so the time index narrows the read where no task index exists.
     */
    public List<Attempt> attempts(long taskId, Instant createdAt) {
        return db.read(c -> attempts(c, taskId, createdAt));
    }

    private static List<Attempt> attempts(Connection c, long taskId, Instant createdAt) throws SQLException {
        List<EventStore.TaskEvent> events = EventStore.history(c, taskId, createdAt == null ? 0 : createdAt.toEpochMilli(),
                ATTEMPT_EVENTS, MAX_EVENTS);
        List<Attempt> out = new ArrayList<>();
        Open open = null;
        for (EventStore.TaskEvent e : events) {
            Instant ts = Instant.ofEpochMilli(e.ts());
            String type = e.type();
            String worker = e.workerId();
            String error = error(e.data());
            if (type.equals("task.started")) {
                // A start while one is open: the earlier attempt was handed back to the queue
                // (shutdown, a poll that ended first), which records no event of its own.
                if (open != null) out.add(open.end(null, "interrupted", null));
                open = new Open(out.size() + 1, worker, ts);
                continue;
            }
            if (open == null) continue; // a manual retry, or a dependency failed it before any attempt
            String outcome = switch (type) {
                case "task.completed" -> "completed";
                case "task.retrying" -> "retrying";
                case "task.failed" -> "failed";
                default -> "cancelled";
            };
            out.add(open.end(ts, outcome, error));
            open = null;
        }
        if (open != null) out.add(open.end(null, "running", null));
        return out;
    }

    private record Open(int number, String worker, Instant startedAt) {
        Attempt end(Instant at, String outcome, String error) {
            return new Attempt(number, worker, startedAt, at, outcome, error);
        }
    }

    private static String error(String data) {
        if (data == null || data.isEmpty()) return null;
        try {
            JsonNode e = Json.read(data).get("error");
            return e == null || e.isNull() ? null : e.asText();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the task depends on and what depends on it, with their names and states. */
    public Neighbours neighbours(long taskId) {
        return db.read(c -> {
            List<Neighbour> on = list(c, "SELECT t.id, t.name, t.status FROM task_deps d JOIN tasks t ON t.id = d.depends_on"
                    + " WHERE d.task_id = ? ORDER BY t.id LIMIT ?", taskId, MAX_NEIGHBOURS + 1);
            List<Neighbour> by = list(c, "SELECT t.id, t.name, t.status FROM task_deps d JOIN tasks t ON t.id = d.task_id"
                    + " WHERE d.depends_on = ? ORDER BY t.id LIMIT ?", taskId, MAX_NEIGHBOURS + 1);
            boolean more = by.size() > MAX_NEIGHBOURS;
            on = on.subList(0, Math.min(on.size(), MAX_NEIGHBOURS));
            by = by.subList(0, Math.min(by.size(), MAX_NEIGHBOURS));
            List<Long> ids = new ArrayList<>();
            on.forEach(n -> ids.add(n.id()));
            by.forEach(n -> ids.add(n.id()));
            return new Neighbours(on, by, more, among(c, ids));
        });
    }

    /** The dependency pairs within {@code ids}: one primary-key read of at most 2 × MAX_NEIGHBOURS tasks' rows. */
    private static List<Link> among(Connection c, List<Long> ids) throws SQLException {
        if (ids.size() < 2) return List.of();
        String in = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        List<Link> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT task_id, depends_on FROM task_deps WHERE task_id IN (" + in
                + ") AND depends_on IN (" + in + ") ORDER BY task_id, depends_on")) {
            int i = 1;
            for (int round = 0; round < 2; round++) for (long id : ids) ps.setLong(i++, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Link(rs.getLong(1), rs.getLong(2)));
            }
        }
        return List.copyOf(out);
    }

    private static List<Neighbour> list(Connection c, String sql, long id, int limit) throws SQLException {
        List<Neighbour> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Neighbour(rs.getLong(1), rs.getString(2), TaskStatus.fromWire(rs.getString(3))));
            }
        }
        return List.copyOf(out);
    }
}
