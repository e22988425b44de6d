package dev.coxswain.core.store;

import dev.coxswain.core.Json;
import dev.coxswain.core.domain.LogLevel;
import dev.coxswain.core.domain.TaskLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The records of a task's common lifecycle that its own row holds instead of rows of their own.
 *
 * <p>Every task used to write a {@code task.created}, {@code task.started} and {@code task.completed}
 * event and a log line for each: six rows beside the task's one, on the path every task takes.
 * Their content is all in the task's columns, so the row now says which of them it stands for
 * ({@code tasks.lifecycle}, bits below) and readers put them where they always were: the
 * creation line first, the first attempt's start line second, the completion line last. The
 * webhook deliveries of those events are still queued in the transaction that makes the change
 * (only a subscription costs a row).
 *
 * <p>Where the position would not hold, the record is stored as before: a start line is derived
 * only for the first attempt of a task nothing has been logged for since its creation (so no
 * stored line can come before it), and only by the batch claim; every later attempt, a claim by
 * id, and every failure, retry or cancellation writes its rows. A completion is final (only failed
 * and cancelled tasks can be retried), so its line is always the last.
 */
public final class Lifecycle {
    /** The creation line and event are derived. */
    public static final int CREATED = 1;
    /** The first attempt's start line and event are derived. */
    public static final int STARTED = 2;
    /** The completion line and event are derived. */
    public static final int COMPLETED = 4;

    /**
     * The claim's condition for deriving the start (old values, as an UPDATE's SET sees them): a
     * task created with a derived creation line, never claimed, nothing logged since (log_count
     * counts derived lines too).
     */
    static final String DERIVE_START = "lifecycle = " + CREATED + " AND attempt = 0 AND log_count = 1";

    /**
     * The claim's SET terms that record a derived start: two parameters, the start time then the
     * worker (SQLite and PostgreSQL both evaluate every SET term on the old row).
     */
    static final String CLAIM_SETS = "first_started_at = CASE WHEN " + DERIVE_START + " THEN ? ELSE first_started_at END,"
            + " first_worker = CASE WHEN " + DERIVE_START + " THEN ? ELSE first_worker END,"
            + " lifecycle = CASE WHEN " + DERIVE_START + " THEN " + (CREATED | STARTED) + " ELSE lifecycle END";

    /** After a claim (new values): whether it derived this attempt's start instead of storing it. */
    public static boolean startDerived(int lifecycle, int attempt) {
        return attempt == 1 && (lifecycle & STARTED) != 0;
    }

    public static final String CREATED_EVENT = "task.created";
    public static final String STARTED_EVENT = "task.started";
    public static final String COMPLETED_EVENT = "task.completed";

    private Lifecycle() {
    }

    public static String createdMessage(String status) {
        return "Task created (" + status + ")";
    }

    public static String startedMessage(int attempt, String workerId) {
        return "Task started execution (attempt " + attempt + " on " + workerId + ")";
    }

    /** @param runMillis the attempt's run time, or null when its start is unknown */
    public static String completedMessage(Integer exitCode, Long runMillis) {
        return "Task completed successfully" + (exitCode == null ? "" : " (exit code " + exitCode + ")") + " in "
                + (runMillis == null ? "?" : seconds(runMillis));
    }

    /** Seconds with millisecond digits, as every lifecycle line writes a duration. */
    public static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    /** An event's {@code data}: the status it moved the task to. */
    public static String statusData(String status) {
        return Json.object().put("status", status).toString();
    }

    /** What one task's row says about its derived records. */
    public record Row(int flags, long createdAt, String createdStatus, Long firstStartedAt, String firstWorker,
                      Long completedAt, Integer exitCode, Long runMillis, String workerId) {

        /** The derived lines that come before every stored line, of this level (null: all). */
        public List<TaskLog> head(LogLevel level) {
            List<TaskLog> out = new ArrayList<>(2);
            if (level != null && level != LogLevel.INFO) return out;
            if ((flags & CREATED) != 0) {
                out.add(new TaskLog(Instant.ofEpochMilli(createdAt), LogLevel.INFO, createdMessage(createdStatus)));
            }
            if ((flags & STARTED) != 0 && firstStartedAt != null) {
                out.add(new TaskLog(Instant.ofEpochMilli(firstStartedAt), LogLevel.INFO, startedMessage(1, firstWorker)));
            }
            return out;
        }

        /** The derived lines that come after every stored line, of this level (null: all). */
        public List<TaskLog> tail(LogLevel level) {
            if (level != null && level != LogLevel.INFO || (flags & COMPLETED) == 0 || completedAt == null) return List.of();
            return List.of(new TaskLog(Instant.ofEpochMilli(completedAt), LogLevel.INFO, completedMessage(exitCode, runMillis)));
        }

        /** The derived creation event, which comes first, or null. */
        public EventStore.TaskEvent createdEvent() {
            if ((flags & CREATED) == 0) return null;
            return new EventStore.TaskEvent(createdAt, CREATED_EVENT, null, statusData(createdStatus));
        }

        /** The derived start event, which comes before every stored event of the task but the creation, or null. */
        public EventStore.TaskEvent startEvent() {
            if ((flags & STARTED) == 0 || firstStartedAt == null) return null;
            return new EventStore.TaskEvent(firstStartedAt, STARTED_EVENT, firstWorker, statusData("running"));
        }

        /** The derived completion event, which comes after every stored event of the task, or null. */
        public EventStore.TaskEvent completedEvent() {
            if ((flags & COMPLETED) == 0 || completedAt == null) return null;
            return new EventStore.TaskEvent(completedAt, COMPLETED_EVENT, workerId, statusData("completed"));
        }
    }

    /** The task's derived records, or null when there is no such task. */
    public static Row read(Connection c, long taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lifecycle, created_at, created_status, first_started_at,"
                + " first_worker, completed_at, exit_code, run_ms, worker_id FROM tasks WHERE id = ?")) {
            ps.setLong(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return new Row(rs.getInt(1), rs.getLong(2), rs.getString(3), Sql.longOrNull(rs, 4), rs.getString(5),
                        Sql.longOrNull(rs, 6), Sql.integer(rs, 7), Sql.longOrNull(rs, 8), rs.getString(9));
            }
        }
    }
}
