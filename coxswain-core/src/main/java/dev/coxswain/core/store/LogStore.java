package dev.coxswain.core.store;

import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.TaskLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Task log lines. Bounding them per task is the writer's job (see the engine's TaskLogBuffer). */
public final class LogStore {

    /** One line waiting to be written. */
    public record Line(long taskId, long ts, LogLevel level, String message) {
    }

    /** Task ids per existence check; far below either database's bound on parameters. */
    private static final int CHECK_CHUNK = 500;

    /** Writes lines of tasks the caller's transaction holds (inserted, claimed or locked by it). */
    public void append(Tx tx, List<Line> lines) throws SQLException {
        insert(tx, lines, null);
    }

    /**
     * Writes lines buffered while attempts ran. A running task can be deleted while its last
     * output is still buffered; its lines are dropped rather than left behind without their task
     * (one existence check per flush, not per line).
     */
    public void appendBuffered(Tx tx, List<Line> lines) throws SQLException {
        if (lines.isEmpty()) return;
        insert(tx, lines, existing(tx.connection(), lines));
    }

    /** A plain multi-row insert, which the PostgreSQL driver sends as a few statements, not one per line. */
    private static void insert(Tx tx, List<Line> lines, Set<Long> onlyFor) throws SQLException {
        if (lines.isEmpty()) return;
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO task_logs (task_id, ts, level, message) VALUES (?, ?, ?, ?)")) {
            int n = 0;
            for (Line l : lines) {
                if (onlyFor != null && !onlyFor.contains(l.taskId())) continue;
                ps.setLong(1, l.taskId());
                ps.setLong(2, l.ts());
                ps.setString(3, l.level().wire());
                ps.setString(4, l.message());
                ps.addBatch();
                n++;
            }
            if (n > 0) ps.executeBatch();
        }
    }

    /** Which of the lines' tasks still exist. */
    private static Set<Long> existing(Connection c, List<Line> lines) throws SQLException {
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(lines.stream().map(Line::taskId).toList()));
        Set<Long> live = new HashSet<>();
        for (int from = 0; from < ids.size(); from += CHECK_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHECK_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tasks WHERE id IN ("
                    + Sql.placeholders(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) ps.setLong(i + 1, chunk.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) live.add(rs.getLong(1));
                }
            }
        }
        return live;
    }

    /**
     * A page of the task's log: the lines its row stands for ({@link Lifecycle}: the creation and
     * first start lines before every stored line, the completion line after them) and the stored
     * lines in the order they were written. The row is read first, so a completion committing
     * meanwhile shows its output before its completion line, never the line without the output.
     */
    public Page<TaskLog> list(Connection c, long taskId, LogLevel level, int offset, int limit) throws SQLException {
        Lifecycle.Row row = Lifecycle.read(c, taskId);
        List<TaskLog> head = row == null ? List.of() : row.head(level);
        List<TaskLog> tail = row == null ? List.of() : row.tail(level);
        String where = " WHERE task_id = ?" + (level != null ? " AND level = ?" : "");
        Object[] args = level != null ? new Object[]{taskId, level.wire()} : new Object[]{taskId};
        long stored = Sql.count(c, "SELECT COUNT(*) FROM task_logs" + where, args);
        List<TaskLog> out = new ArrayList<>();
        for (int i = offset; i < head.size() && out.size() < limit; i++) out.add(head.get(i));
        long storedOffset = Math.max(0, (long) offset - head.size());
        int storedLimit = limit - out.size();
        if (storedLimit > 0 && storedOffset < stored) {
            try (PreparedStatement ps = c.prepareStatement("SELECT ts, level, message FROM task_logs" + where
                    + " ORDER BY id LIMIT ? OFFSET ?")) {
                int i = 1;
                for (Object a : args) ps.setObject(i++, a);
                ps.setInt(i++, storedLimit);
                ps.setLong(i, storedOffset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TaskLog(java.time.Instant.ofEpochMilli(rs.getLong(1)),
                                LogLevel.fromWire(rs.getString(2)), rs.getString(3)));
                    }
                }
            }
        }
        long tailFrom = head.size() + stored;
        for (int i = 0; i < tail.size() && out.size() < limit; i++) {
            if (tailFrom + i >= offset) out.add(tail.get(i));
        }
        return new Page<>(out, head.size() + stored + tail.size());
    }
}
