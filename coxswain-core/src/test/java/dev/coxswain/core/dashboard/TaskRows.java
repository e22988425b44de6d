package dev.coxswain.core.dashboard;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.TaskStatus;
import dev.coxswain.core.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.List;

/**
 * Writes task and schedule rows exactly as a test describes them (times, statuses, workers),
 * which the engine's own paths would not let a test choose.
 */
final class TaskRows {
    private final Database db;

    TaskRows(Database db) {
        this.db = db;
    }

    /** A task row as the dashboard reads it. */
    record Row(String type, String name, TaskStatus status, int priority, long createdAt, Long completedAt,
               String workerId, List<String> tags) {
        Row {
            tags = List.copyOf(tags);
        }
    }

    long insert(Row r) {
        return db.write(tx -> {
            long id;
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO tasks (type, name, payload, status,"
                    + " priority, run_at, created_at, updated_at, completed_at, max_retries, backoff, timeout_seconds, tags,"
                    + " worker_id) VALUES (?, ?, '{}', ?, ?, ?, ?, ?, ?, 0, 'exponential', 60, ?, ?) RETURNING id")) {
                ps.setString(1, r.type());
                ps.setString(2, r.name());
                ps.setString(3, r.status().wire());
                ps.setInt(4, r.priority());
                ps.setLong(5, r.createdAt());
                ps.setLong(6, r.createdAt());
                ps.setLong(7, r.createdAt());
                if (r.completedAt() == null) ps.setNull(8, Types.BIGINT);
                else ps.setLong(8, r.completedAt());
                ps.setString(9, Json.write(r.tags()));
                ps.setString(10, r.workerId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO task_tags (tag, task_id) VALUES (?, ?)")) {
                for (String tag : r.tags()) {
                    ps.setString(1, tag);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
            }
            return id;
        });
    }

    void schedule(String face, String name, String status, Long nextRunAt) {
        db.write(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO schedules (face, name, expression,"
                    + " timezone, task_type, payload, priority, max_retries, backoff, timeout_seconds, misfire, overlap,"
                    + " status, next_run_at, created_at, updated_at)"
                    + " VALUES (?, ?, '* * * * *', 'UTC', 'shell', '{}', 5, 0, 'exponential', 60, 'fire_once', 'allow', ?, ?, 0, 0)")) {
                ps.setString(1, face);
                ps.setString(2, name);
                ps.setString(3, status);
                if (nextRunAt == null) ps.setNull(4, Types.BIGINT);
                else ps.setLong(4, nextRunAt);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
